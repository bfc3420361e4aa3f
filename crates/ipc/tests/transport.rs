//! The three transports the benches measure carry bytes intact, both ways.

use std::time::Duration;

use ipc::transport::{self, Kind, Mode};
use testkit::deadline;

const EXE: &str = env!("CARGO_BIN_EXE_ipc");

fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn every_transport_echoes_small_and_large_messages() {
    deadline(Duration::from_secs(30), || {
        for kind in Kind::ALL {
            let mut t = transport::start(EXE.as_ref(), kind, Mode::Echo, 1 << 20).unwrap();
            let mut reply = Vec::new();
            for len in [64, 1 << 20, 0, 3] {
                let msg = message(len);
                t.roundtrip(&msg, &mut reply).unwrap();
                assert_eq!(reply, msg, "{kind:?}, {len} bytes");
            }
        }
    });
}

#[test]
fn every_transport_sinks_many_messages_then_acknowledges() {
    deadline(Duration::from_secs(30), || {
        for kind in Kind::ALL {
            let mut t = transport::start(EXE.as_ref(), kind, Mode::Sink, 4096).unwrap();
            let msg = message(4096);
            for _ in 0..50 {
                t.send(&msg).unwrap();
            }
            t.sync().unwrap();
        }
    });
}
