//! Reference solutions of the async-io lesson's exercises: they come with the exercises.
