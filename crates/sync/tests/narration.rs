//! Tests of `sync::narration`: the transcript a demo's report keeps.

use std::thread;

use sync::narration::Transcript;

#[test]
fn headings_stay_as_they_are_and_lines_are_indented_in_order() {
    let t = Transcript::new();
    t.heading("== demo");
    t.say("one");
    t.say(2);
    assert_eq!(t.lines(), ["== demo", "  one", "  2"]);
    assert_eq!(t.to_string(), "== demo\n  one\n  2\n");
}

#[test]
fn threads_may_narrate_at_once() {
    let t = Transcript::new();
    thread::scope(|s| {
        for i in 0..4 {
            let t = &t;
            s.spawn(move || (0..100).for_each(|k| t.say(format!("{i}-{k}"))));
        }
    });
    assert_eq!(t.lines().len(), 400);
}
