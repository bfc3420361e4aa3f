//! The rendezvous the graded tests use to see children run at the same time.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use ipc::child::ChildGuard;
use ipc::rendezvous::Rendezvous;
use ipc::roles::job_spec;
use testkit::deadline;

const EXE: &str = env!("CARGO_BIN_EXE_ipc");
const LIMIT: Duration = Duration::from_secs(10);

fn meeting_child(rendezvous: &Rendezvous, value: u64) -> ChildGuard {
    ChildGuard::spawn(
        Command::new(EXE)
            .args(["child", "job", &job_spec(rendezvous.job(value))])
            .stdout(Stdio::piped()),
    )
    .expect("starting a child")
}

fn answer_of(mut child: ChildGuard) -> String {
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut out)
        .unwrap();
    assert!(child.finish_within(LIMIT).unwrap().success());
    out.trim().to_string()
}

#[test]
fn a_rendezvous_opens_only_when_enough_processes_wait_at_once() {
    deadline(LIMIT, || {
        let rendezvous = Rendezvous::open(2).unwrap();
        let mut first = meeting_child(&rendezvous, 1);
        while rendezvous.pids().is_empty() {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!rendezvous.is_open(), "one process is not enough");
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first child waits for the second"
        );
        let second = meeting_child(&rendezvous, 2);
        let pids = [first.pid(), second.pid()].into_iter().collect();
        assert_eq!(answer_of(first), "1");
        assert_eq!(answer_of(second), "2");
        assert!(rendezvous.is_open());
        assert_eq!(rendezvous.pids(), pids);
    });
}

#[test]
fn an_open_rendezvous_lets_latecomers_through() {
    deadline(LIMIT, || {
        let rendezvous = Rendezvous::open(1).unwrap();
        assert_eq!(answer_of(meeting_child(&rendezvous, 7)), "7");
        assert_eq!(answer_of(meeting_child(&rendezvous, 8)), "8");
        assert_eq!(rendezvous.pids().len(), 2);
    });
}
