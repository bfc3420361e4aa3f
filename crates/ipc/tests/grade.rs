//! Grading tests of this lesson.
