//! One message there and back: a pipe, ipc-channel and a shared mapping side by side (what the
//! `ipc` benches measure).
//!
//! Each [`Transport`] talks to a child that either echoes every message ([`Mode::Echo`]: a round
//! trip) or consumes them and only answers an empty message ([`Mode::Sink`]: one-way
//! throughput, acknowledged at the end).
//! - **pipe**: the child's stdin/stdout, each message framed by a 4-byte length. Every byte is
//!   copied into the kernel and out again.
//! - **ipc-channel**: a bytes channel over a Unix socket; large messages travel as shared memory
//!   regions that ipc-channel sets up per message.
//! - **shared mapping**: one mapped file with a request slot and a reply slot; the parent writes
//!   the message in place and bumps a sequence number, the child spins until it sees it. No
//!   system call per message at all — and a single slot, so every message waits for the child.
//!
//! A child is any binary that calls [`serve_if_child`] at the top of `main` (the `ipc` binary
//! and the bench binary both do); the parent tells it what to be through [`CHILD_ENV`].

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcBytesReceiver, IpcBytesSender, IpcOneShotServer, IpcSender};
use serde::{Deserialize, Serialize};

use crate::child::ChildGuard;
use crate::shared::shared_tempdir;

/// Tells a child which transport and mode to serve: `<kind>:<mode>`, e.g. `pipe:echo`.
pub const CHILD_ENV: &str = "IPC_TRANSPORT_CHILD";
/// The ipc-channel server name, or the mapped file's path, for the child.
const ADDRESS_ENV: &str = "IPC_TRANSPORT_ADDRESS";

/// How long either side waits for the other before it calls the exchange broken.
const PATIENCE: Duration = Duration::from_secs(20);

/// The three ways to move bytes between processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The child's stdin and stdout.
    Pipe,
    /// An ipc-channel bytes channel.
    IpcChannel,
    /// A mapped file with one request and one reply slot.
    SharedMapping,
}

impl Kind {
    /// All kinds, in the order of the lesson.
    pub const ALL: [Kind; 3] = [Kind::Pipe, Kind::IpcChannel, Kind::SharedMapping];

    /// The name used in bench ids and in [`CHILD_ENV`].
    pub fn id(self) -> &'static str {
        match self {
            Kind::Pipe => "pipe",
            Kind::IpcChannel => "ipc-channel",
            Kind::SharedMapping => "shared-mapping",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// What the child does with each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sends every message back.
    Echo,
    /// Reads every message; answers only an empty one (the acknowledgement at the end).
    Sink,
}

impl Mode {
    fn id(self) -> &'static str {
        match self {
            Mode::Echo => "echo",
            Mode::Sink => "sink",
        }
    }
}

/// The parent's end of a transport.
pub trait Transport {
    /// Sends `msg` and receives the child's echo into `reply` (resized to fit). Echo mode.
    fn roundtrip(&mut self, msg: &[u8], reply: &mut Vec<u8>) -> io::Result<()>;
    /// Sends `msg` without waiting for an answer. Sink mode.
    fn send(&mut self, msg: &[u8]) -> io::Result<()>;
    /// Waits until the child has consumed everything sent so far. Sink mode.
    fn sync(&mut self) -> io::Result<()> {
        let mut ack = Vec::new();
        self.roundtrip(&[], &mut ack)
    }
}

/// Starts a child of `exe` serving `kind` in `mode`; `capacity` is the largest message.
pub fn start(
    exe: &Path,
    kind: Kind,
    mode: Mode,
    capacity: usize,
) -> io::Result<Box<dyn Transport>> {
    let mut cmd = Command::new(exe);
    cmd.env(CHILD_ENV, format!("{}:{}", kind.id(), mode.id()));
    Ok(match kind {
        Kind::Pipe => Box::new(PipeTransport::start(cmd)?),
        Kind::IpcChannel => Box::new(ChannelTransport::start(cmd)?),
        Kind::SharedMapping => Box::new(MappingTransport::start(cmd, capacity)?),
    })
}

/// In a child started by [`start`]: serves the transport and returns `Some(result)`;
/// in any other process: `None` at once.
pub fn serve_if_child() -> Option<io::Result<()>> {
    let role = std::env::var(CHILD_ENV).ok()?;
    crate::child::arm_parent_death_signal();
    Some(serve(&role))
}

fn serve(role: &str) -> io::Result<()> {
    let bad = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("bad {CHILD_ENV}={role:?}"),
        )
    };
    let (kind, mode) = role.split_once(':').ok_or_else(bad)?;
    let kind = Kind::from_id(kind).ok_or_else(bad)?;
    let mode = match mode {
        "echo" => Mode::Echo,
        "sink" => Mode::Sink,
        _ => return Err(bad()),
    };
    let address = || std::env::var(ADDRESS_ENV).map_err(|_| bad());
    match kind {
        Kind::Pipe => serve_pipe(mode),
        Kind::IpcChannel => serve_channel(mode, address()?),
        Kind::SharedMapping => serve_mapping(mode, PathBuf::from(address()?)),
    }
}

// ---------------------------------------------------------------- pipe

struct PipeTransport {
    to_child: BufWriter<ChildStdin>,
    from_child: BufReader<ChildStdout>,
    _child: ChildGuard,
}

impl PipeTransport {
    fn start(mut cmd: Command) -> io::Result<Self> {
        let mut child = ChildGuard::spawn(cmd.stdin(Stdio::piped()).stdout(Stdio::piped()))?;
        let missing = || io::Error::other("child pipe missing");
        Ok(Self {
            to_child: BufWriter::with_capacity(1 << 16, child.stdin.take().ok_or_else(missing)?),
            from_child: BufReader::with_capacity(1 << 16, child.stdout.take().ok_or_else(missing)?),
            _child: child,
        })
    }
}

fn write_frame(out: &mut impl Write, msg: &[u8]) -> io::Result<()> {
    let len = u32::try_from(msg.len()).map_err(|_| io::Error::other("message over 4 GiB"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(msg)
}

/// Reads one frame into `buf`; `Ok(false)` at a clean end of stream.
fn read_frame(input: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut len = [0; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(e) => return Err(e),
    }
    buf.resize(u32::from_le_bytes(len) as usize, 0);
    input.read_exact(buf)?;
    Ok(true)
}

impl Transport for PipeTransport {
    fn roundtrip(&mut self, msg: &[u8], reply: &mut Vec<u8>) -> io::Result<()> {
        write_frame(&mut self.to_child, msg)?;
        self.to_child.flush()?;
        if !read_frame(&mut self.from_child, reply)? {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the child hung up",
            ));
        }
        Ok(())
    }

    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        write_frame(&mut self.to_child, msg)
    }
}

fn serve_pipe(mode: Mode) -> io::Result<()> {
    let mut input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let mut output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut buf = Vec::new();
    while read_frame(&mut input, &mut buf)? {
        if mode == Mode::Echo || buf.is_empty() {
            write_frame(&mut output, &buf)?;
            output.flush()?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- ipc-channel

#[derive(Serialize, Deserialize)]
struct ChannelHello {
    to_child: IpcBytesSender,
    from_child: IpcBytesReceiver,
}

struct ChannelTransport {
    to_child: IpcBytesSender,
    from_child: IpcBytesReceiver,
    _child: ChildGuard,
}

impl ChannelTransport {
    fn start(mut cmd: Command) -> io::Result<Self> {
        let (server, name) = IpcOneShotServer::<ChannelHello>::new()?;
        let mut child = ChildGuard::spawn(cmd.env(ADDRESS_ENV, &name).stdin(Stdio::null()))?;
        // `accept` cannot time out by itself: wait on a thread, and if the child dies first,
        // connect ourselves so that the thread ends.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(server.accept());
        });
        let began = Instant::now();
        let hello = loop {
            match rx.recv_timeout(Duration::from_millis(20)) {
                Ok(accepted) => break accepted.map_err(io::Error::other)?.1,
                Err(_) if child.try_wait()?.is_some() || began.elapsed() > PATIENCE => {
                    let (a, _) = ipc::bytes_channel()?;
                    let (_, b) = ipc::bytes_channel()?;
                    if let Ok(me) = IpcSender::<ChannelHello>::connect(name) {
                        let _ = me.send(ChannelHello {
                            to_child: a,
                            from_child: b,
                        });
                    }
                    return Err(io::Error::other("the ipc-channel child never connected"));
                }
                Err(_) => {}
            }
        };
        Ok(Self {
            to_child: hello.to_child,
            from_child: hello.from_child,
            _child: child,
        })
    }
}

impl Transport for ChannelTransport {
    fn roundtrip(&mut self, msg: &[u8], reply: &mut Vec<u8>) -> io::Result<()> {
        self.to_child.send(msg)?;
        *reply = self.from_child.recv().map_err(io::Error::other)?;
        Ok(())
    }

    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.to_child.send(msg)
    }
}

fn serve_channel(mode: Mode, server: String) -> io::Result<()> {
    let (to_child, inbox) = ipc::bytes_channel()?;
    let (outbox, from_child) = ipc::bytes_channel()?;
    let hello = IpcSender::<ChannelHello>::connect(server)?;
    hello
        .send(ChannelHello {
            to_child,
            from_child,
        })
        .map_err(io::Error::other)?;
    while let Ok(msg) = inbox.recv() {
        if mode == Mode::Echo || msg.is_empty() {
            outbox.send(&msg)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- shared mapping

/// Header words of the mapping, then the request slot, then the reply slot.
const REQUEST_SEQ: usize = 0;
const REPLY_SEQ: usize = 1;
const REQUEST_LEN: usize = 2;
const REPLY_LEN: usize = 3;
const CAPACITY: usize = 4;
const CLOSING: usize = 5;
const HEADER: usize = 64;

struct Mapping {
    map: memmap2::MmapMut,
}

impl Mapping {
    fn word(&self, i: usize) -> &AtomicU64 {
        let ptr = self.map[i * 8..(i + 1) * 8].as_ptr() as *mut u64;
        assert!(ptr.is_aligned(), "mappings are page-aligned");
        // SAFETY: in bounds, aligned, alive as long as `self`; shared words are only touched
        // through atomics.
        unsafe { AtomicU64::from_ptr(ptr) }
    }

    fn capacity(&self) -> usize {
        self.word(CAPACITY).load(Ordering::Acquire) as usize
    }

    /// The request slot (`which == 0`) or the reply slot (`which == 1`).
    fn slot_range(&self, which: usize) -> std::ops::Range<usize> {
        let start = HEADER + which * self.capacity();
        start..start + self.capacity()
    }

    /// Spins until word `i` reaches `value` (yielding now and then: other processes need the
    /// core too), or gives up after [`PATIENCE`].
    fn wait_for(&self, i: usize, value: u64) -> io::Result<()> {
        let began = Instant::now();
        let mut spins = 0u32;
        while self.word(i).load(Ordering::Acquire) < value {
            spins += 1;
            if spins.is_multiple_of(64) {
                std::thread::yield_now();
                if self.word(CLOSING).load(Ordering::Acquire) != 0 || began.elapsed() > PATIENCE {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the other side is gone",
                    ));
                }
            } else {
                std::hint::spin_loop();
            }
        }
        Ok(())
    }
}

fn map_path(path: &Path) -> io::Result<Mapping> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    // SAFETY: the file lives in our private temporary directory and is never truncated while
    // mapped. The two processes hand the slots back and forth through the sequence numbers
    // (release/acquire), so a slot is never written while the other side reads it.
    let map = unsafe { memmap2::MmapMut::map_mut(&file)? };
    Ok(Mapping { map })
}

struct MappingTransport {
    mapping: Mapping,
    seq: u64,
    child: ChildGuard,
    _dir: tempfile::TempDir,
}

impl MappingTransport {
    fn start(mut cmd: Command, capacity: usize) -> io::Result<Self> {
        let dir = shared_tempdir()?;
        let path = dir.path().join("transport");
        let file = std::fs::File::create(&path)?;
        file.set_len((HEADER + 2 * capacity) as u64)?;
        drop(file);
        let mapping = map_path(&path)?;
        mapping
            .word(CAPACITY)
            .store(capacity as u64, Ordering::Release);
        let child = ChildGuard::spawn(cmd.env(ADDRESS_ENV, &path).stdin(Stdio::null()))?;
        Ok(Self {
            mapping,
            seq: 0,
            child,
            _dir: dir,
        })
    }

    fn post(&mut self, msg: &[u8]) -> io::Result<()> {
        let slot = self.mapping.slot_range(0);
        if msg.len() > slot.len() {
            return Err(io::Error::other("message larger than the mapping's slot"));
        }
        self.mapping.map[slot.start..slot.start + msg.len()].copy_from_slice(msg);
        self.mapping
            .word(REQUEST_LEN)
            .store(msg.len() as u64, Ordering::Relaxed);
        self.seq += 1;
        // Release: the child that sees the new sequence number also sees the message.
        self.mapping
            .word(REQUEST_SEQ)
            .store(self.seq, Ordering::Release);
        self.mapping.wait_for(REPLY_SEQ, self.seq)
    }
}

impl Transport for MappingTransport {
    fn roundtrip(&mut self, msg: &[u8], reply: &mut Vec<u8>) -> io::Result<()> {
        self.post(msg)?;
        let len = self.mapping.word(REPLY_LEN).load(Ordering::Relaxed) as usize;
        let slot = self.mapping.slot_range(1);
        reply.clear();
        reply.extend_from_slice(&self.mapping.map[slot.start..slot.start + len]);
        Ok(())
    }

    /// One slot: a message must be taken before the next can be written, so `send` waits for
    /// the child's acknowledgement.
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.post(msg)
    }
}

impl Drop for MappingTransport {
    fn drop(&mut self) {
        self.mapping.word(CLOSING).store(1, Ordering::Release);
        let _ = self.child.finish_within(Duration::from_secs(1));
    }
}

fn serve_mapping(mode: Mode, path: PathBuf) -> io::Result<()> {
    let mut mapping = map_path(&path)?;
    let mut taken = Vec::new();
    let mut seq = 0;
    loop {
        seq += 1;
        if mapping.wait_for(REQUEST_SEQ, seq).is_err() {
            return Ok(()); // the parent closed (or died): done
        }
        let len = mapping.word(REQUEST_LEN).load(Ordering::Relaxed) as usize;
        let request = mapping.slot_range(0);
        let request = request.start..request.start + len;
        match mode {
            Mode::Echo => {
                let reply = mapping.slot_range(1).start;
                mapping.map.copy_within(request, reply);
                mapping.word(REPLY_LEN).store(len as u64, Ordering::Relaxed);
            }
            Mode::Sink => {
                // Take the message out of the slot, as a receiver would.
                taken.clear();
                taken.extend_from_slice(&mapping.map[request]);
                mapping.word(REPLY_LEN).store(0, Ordering::Relaxed);
            }
        }
        mapping.word(REPLY_SEQ).store(seq, Ordering::Release);
    }
}
