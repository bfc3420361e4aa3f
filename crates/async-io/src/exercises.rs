//! Exercises of the async-io lesson: they come with the grading conventions, in a second step
//! built on this library (the slow server, the gauge, the ticker beside blocking work).
