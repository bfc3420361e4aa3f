//! The workspace's runner.
fn main() {}
