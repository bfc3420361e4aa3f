//! Reference solutions of this lesson.
