//! Benchmarks of the ipc lesson: moving one message between two processes.
//!
//! - `ipc/roundtrip`: a message there and back (the child echoes it), by transport and message
//!   size (64 B and 1 MiB). Latency of a request/answer.
//! - `ipc/throughput`: many messages one way, acknowledged once at the end (the shared mapping
//!   has one slot, so it acknowledges every message), by transport and size.
//!
//! Transports: `pipe` (the child's stdin/stdout), `ipc-channel` (a bytes channel over a Unix
//! socket), `shared-mapping` (a mapped file with a request and a reply slot, sequence numbers
//! and spinning). The parameter is the message size in bytes; throughput is in bytes.
//!
//! A custom `main`: the children are copies of this very binary, told what to serve by an
//! environment variable; they must serve instead of running criterion.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use ipc::transport::{self, Kind, Mode, Transport};

const SIZES: [usize; 2] = [64, 1 << 20];
/// Messages per throughput iteration.
const BATCH: usize = 16;

fn child_exe() -> std::path::PathBuf {
    std::env::current_exe().expect("the bench binary's path")
}

fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn start(kind: Kind, mode: Mode) -> Box<dyn Transport> {
    transport::start(&child_exe(), kind, mode, 1 << 20).expect("starting the child")
}

fn roundtrip(c: &mut Criterion) {
    let mut group = c.benchmark_group("ipc/roundtrip");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for kind in Kind::ALL {
        let mut child = start(kind, Mode::Echo);
        let mut reply = Vec::with_capacity(1 << 20);
        for size in SIZES {
            let msg = message(size);
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_with_input(BenchmarkId::new(kind.id(), size), &msg, |b, msg| {
                b.iter(|| {
                    child
                        .roundtrip(black_box(msg), &mut reply)
                        .expect("round trip");
                    black_box(reply.len())
                })
            });
        }
    }
    group.finish();
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("ipc/throughput");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    for kind in Kind::ALL {
        let mut child = start(kind, Mode::Sink);
        for size in SIZES {
            let msg = message(size);
            group.throughput(Throughput::Bytes((size * BATCH) as u64));
            group.bench_with_input(BenchmarkId::new(kind.id(), size), &msg, |b, msg| {
                b.iter(|| {
                    for _ in 0..BATCH {
                        child.send(black_box(msg)).expect("send");
                    }
                    child.sync().expect("acknowledgement");
                })
            });
        }
    }
    group.finish();
}

fn main() {
    if let Some(served) = transport::serve_if_child() {
        std::process::exit(i32::from(served.is_err()));
    }
    let mut c = Criterion::default().configure_from_args();
    roundtrip(&mut c);
    throughput(&mut c);
    c.final_summary();
}
