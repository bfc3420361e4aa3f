//! Exercises of this lesson.
