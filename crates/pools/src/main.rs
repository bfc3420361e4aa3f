//! `pools`: the lesson's demos (being written; the library is usable now).

fn main() {}
