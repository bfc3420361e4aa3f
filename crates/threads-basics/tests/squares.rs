//! Squares while another thread reads a line.

use std::io::{BufReader, Cursor, Read, Write};
use std::time::Duration;

use testkit::{assert_says, deadline};
use threads_basics::squares::{Squares, Typed, read_one_line, squares_while_reading};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn reads_one_line_or_eof() {
    assert_eq!(
        read_one_line(Cursor::new("hello\nworld\n")),
        Typed::Line("hello".into())
    );
    assert_eq!(
        read_one_line(Cursor::new("windows\r\n")),
        Typed::Line("windows".into())
    );
    assert_eq!(
        read_one_line(Cursor::new("no newline")),
        Typed::Line("no newline".into())
    );
    assert_eq!(read_one_line(Cursor::new("")), Typed::Eof);
    assert!(matches!(
        read_one_line(Cursor::new(vec![0xff, b'\n'])),
        Typed::Error(_)
    ));
}

/// A reader that makes the caller wait, like a person typing.
struct Slow(Cursor<&'static str>);

impl Read for Slow {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::thread::sleep(Duration::from_millis(30));
        self.0.read(buf)
    }
}

#[test]
fn the_main_thread_computes_while_the_reader_waits() {
    deadline(LIMIT, || {
        let s = squares_while_reading(BufReader::new(Slow(Cursor::new("typed\n"))), None).unwrap();
        assert_eq!(s.typed, Typed::Line("typed".into()));
        assert!(
            s.count > 1,
            "no squares were computed while the reader waited"
        );
        assert_eq!(s.result, u128::from(s.count - 1).pow(2));
    });
}

#[test]
fn ends_on_eof() {
    deadline(LIMIT, || {
        let s = squares_while_reading(Cursor::new(""), None).unwrap();
        assert_eq!(s.typed, Typed::Eof);
    });
}

#[test]
fn gives_up_on_input_that_never_comes_then_the_reader_ends_on_eof() {
    deadline(LIMIT, || {
        let (reader, mut writer) = std::io::pipe().unwrap();
        let s =
            squares_while_reading(BufReader::new(reader), Some(Duration::from_millis(50))).unwrap();
        assert_eq!(s.typed, Typed::GaveUp);
        // Closing the pipe sends EOF to the reader left behind, so it ends too.
        writer.flush().unwrap();
        drop(writer);
    });
}

#[test]
fn the_report_says_what_the_reader_got() {
    let squares = |typed| Squares {
        count: 3,
        result: 9,
        typed,
    };
    assert_eq!(
        squares(Typed::Line("hi".into())).to_string(),
        "calculated squares up to 3 * 3 = 9 while you typed \"hi\"\n"
    );
    assert_says(squares(Typed::GaveUp), &["giving up"]);
}
