//! What runs between `fork` and `exec` to confine a graded test process, and the small init that
//! stands as process 1 of the test's PID namespace.
//!
//! The grader has many threads, so the forked child may only make async-signal-safe calls: system
//! calls on data the grader prepared (a [`Plan`]), no allocation, no locks. `rustix` makes those
//! calls without allocating when given C strings; `libc` covers the few it does not wrap. The
//! sequence is written out here on purpose: a sandboxing crate that forks and execs for us would
//! close the proof descriptors and bypass the grader's output capture (see the README's grading
//! section).
//!
//! With namespaces, one `spawn` becomes three processes:
//!
//! ```text
//! grader ── waiter (the spawned child: std's pid, leader of the process group the grader kills)
//!             └── init (process 1 of a new PID namespace: reaps, then kills what is left)
//!                   └── test (process 2: the graded test binary, exec'd)
//! ```
//!
//! `unshare(CLONE_NEWPID)` moves only the children of its caller into the new namespace, so the
//! waiter stays outside and its first child is the namespace's init. When the test ends, the init
//! counts and kills whatever the test left (a session of its own does not hide a process from
//! it), writes a [`Report`] on a pipe the grader reads, and exits; the kernel then kills anything
//! still in the namespace. The grader's kill of the process group at the time limit reaches the
//! init, and with it the whole namespace.

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use rustix::process::{Pid, Resource, Rlimit, Signal, WaitOptions};
use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd as _, OwnedFd, RawFd};

/// Everything the child needs, prepared by the grader before the fork.
pub struct Plan {
    /// The grader's process id: the child checks it is still its parent.
    pub grader: u32,
    /// The user and group to become first, if the grader is root.
    pub user: Option<(u32, u32)>,
    /// The namespaces to enter, if the kernel allows them.
    pub namespaces: Option<Namespaces>,
    /// The test's scratch folder (absolute): its working directory.
    pub scratch: CString,
    /// Its temporary folder, relative to the scratch folder (`$TMPDIR` names it in full).
    pub tmp: CString,
    /// Bytes of address space each process may map.
    pub memory: u64,
    /// The file policy, if Landlock is available.
    pub landlock: Option<Landlock>,
}

/// The namespace part of a [`Plan`].
pub struct Namespaces {
    /// `/proc/self/uid_map` and `gid_map` contents: one ordinary id inside for the grader's.
    pub uid_map: CString,
    /// See `uid_map`.
    pub gid_map: CString,
    /// Mount options of the scratch folder's tmpfs (its size).
    pub tmpfs_options: CString,
    /// Processes and threads the test may have at once (`RLIMIT_NPROC`).
    pub processes: u64,
    /// Write end of the pipe the init writes its [`Report`] on (close-on-exec: the test never
    /// holds it).
    pub report: OwnedFd,
}

/// The Landlock part of a [`Plan`]: a ruleset already holding the static rules, and the rights
/// of the two rules only the child can add (its tmpfs and its /proc exist only there).
pub struct Landlock {
    /// The ruleset, created by the grader for this one test.
    pub ruleset: OwnedFd,
    /// Every handled right: granted beneath the scratch folder.
    pub scratch_access: u64,
    /// The read rights: granted beneath /proc.
    pub proc_access: u64,
}

/// How the test process ended and how many processes it left running, as the init saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The test process's wait status (see `waitpid(2)`).
    pub status: i32,
    /// Processes still running when the test process ended (the init killed them).
    pub leftovers: u32,
}

impl Report {
    const LEN: usize = 8;

    fn to_bytes(self) -> [u8; Self::LEN] {
        let mut bytes = [0; Self::LEN];
        bytes[..4].copy_from_slice(&self.status.to_ne_bytes());
        bytes[4..].copy_from_slice(&self.leftovers.to_ne_bytes());
        bytes
    }

    /// Reads the init's report from the pipe's read end, without waiting: `None` if the init
    /// never wrote one (it was killed at the time limit, or could not start the test).
    pub fn read(pipe: &OwnedFd) -> Option<Report> {
        rustix::io::ioctl_fionbio(pipe, true).ok()?;
        let mut bytes = [0u8; Self::LEN];
        let n = rustix::io::read(pipe, &mut bytes).ok()?;
        let (status, leftovers) = bytes.split_at(4);
        (n == Self::LEN).then(|| Report {
            status: i32::from_ne_bytes(status.try_into().expect("4 bytes")),
            leftovers: u32::from_ne_bytes(leftovers.try_into().expect("4 bytes")),
        })
    }
}

/// Confines the calling process, the child of a `fork` about to `exec` the test. Returns only in
/// the process that is to exec; with namespaces, the waiter and the init never return (see the
/// module's documentation).
///
/// # Safety
///
/// Call only in a child between `fork` and `exec` (a `pre_exec` hook): with namespaces it forks,
/// and it ends the processes that are not to exec.
pub unsafe fn enter(plan: &Plan) -> io::Result<()> {
    reset_signal_handlers();
    // A grader running as root hands the test to an ordinary user: the kernel exempts root from
    // RLIMIT_NPROC, even inside a user namespace.
    if let Some((uid, gid)) = plan.user {
        use rustix::process::{Gid, Uid};
        let (uid, gid) = (Uid::from_raw(uid), Gid::from_raw(gid));
        rustix::thread::set_thread_groups(&[])?;
        rustix::thread::set_thread_res_gid(gid, gid, gid)?;
        rustix::thread::set_thread_res_uid(uid, uid, uid)?;
        // A change of user makes the process undumpable, which gives its /proc/self files to
        // root: the user could not write its own uid_map.
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::Dumpable)?;
    }
    // The test dies with the grader, even if the grader is killed without a chance to clean up.
    // (Armed after the change of user, which disarms it.)
    rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
    if rustix::process::getppid().map(Pid::as_raw_pid) != Some(plan.grader as i32) {
        return Err(Errno::SRCH.into());
    }
    set_limit(Resource::Core, 0)?;
    if let Some(namespaces) = &plan.namespaces {
        enter_namespaces(namespaces)?;
        // SAFETY: we are a forked child about to exec (this function's contract).
        unsafe { fork_init(namespaces)? };
        // From here on, this is the test process: process 2 of the namespace.
        mount_private_folders(plan, namespaces)?;
    }
    rustix::process::chdir(plan.scratch.as_c_str())?;
    match rustix::fs::mkdir(plan.tmp.as_c_str(), Mode::RWXU) {
        Ok(()) | Err(Errno::EXIST) => {}
        Err(err) => return Err(err.into()),
    }
    set_limit(Resource::As, plan.memory)?;
    if let Some(landlock) = &plan.landlock {
        restrict_files(landlock)?;
    }
    Ok(())
}

/// Restores every signal's default action. Handlers the grader installed (a crate's SIGCHLD
/// handler writing to a pipe, say) survive `fork` and only `exec` drops them: the waiter and the
/// init, which never exec and close every descriptor, would run them when a child ends.
fn reset_signal_handlers() {
    // Signals run from 1 to 64 on Linux; SIGKILL, SIGSTOP and the C library's own refuse the
    // change, harmlessly.
    for signal in 1..=64 {
        // SAFETY: restoring the default action installs no code; signal(2) is async-signal-safe.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    }
}

/// A user namespace first (it grants the rights to create the others without being root, and it
/// takes every right over the host away from a grader that is root), then network, mount and
/// PID namespaces, the loopback interface up, and the process cap.
fn enter_namespaces(ns: &Namespaces) -> io::Result<()> {
    use rustix::thread::UnshareFlags;
    // SAFETY: without CLONE_FILES no descriptor table is unshared; this process has one thread.
    unsafe { rustix::thread::unshare_unsafe(UnshareFlags::NEWUSER)? };
    write_file(c"/proc/self/setgroups", c"deny")?;
    write_file(c"/proc/self/uid_map", &ns.uid_map)?;
    write_file(c"/proc/self/gid_map", &ns.gid_map)?;
    let others = UnshareFlags::NEWNET | UnshareFlags::NEWNS | UnshareFlags::NEWPID;
    // SAFETY: as above.
    unsafe { rustix::thread::unshare_unsafe(others)? };
    loopback_up()?;
    // RLIMIT_NPROC counts this user's processes in this user namespace, so each test has a count
    // of its own. It binds every user but global uid 0, hence `Plan::user` for a root grader.
    set_limit(Resource::Nproc, ns.processes)
}

/// Splits into the waiter (never returns), the init (never returns) and the test (returns).
///
/// # Safety
///
/// Only in a forked child about to exec: the waiter and the init end with `_exit`.
unsafe fn fork_init(ns: &Namespaces) -> io::Result<()> {
    // The waiter holds the write end until it dies; the init reads end of file then.
    let (alive_read, alive_write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    // SAFETY: this process has one thread, and the child only makes system calls (see above).
    match unsafe { libc::fork() } {
        -1 => Err(io::Error::last_os_error()),
        0 => {
            // The init. It dies with the waiter (the grader's kill), and the namespace with it;
            // the pipe covers a waiter that died before the signal was armed.
            drop(alive_write);
            let armed = rustix::process::set_parent_process_death_signal(Some(Signal::KILL));
            if armed.is_err() || !peer_alive(&alive_read) {
                exit(1);
            }
            drop(alive_read);
            // SAFETY: as above.
            match unsafe { libc::fork() } {
                -1 => exit(127),
                0 => Ok(()),
                test => init(test, ns.report.as_raw_fd()),
            }
        }
        init => {
            // The waiter holds nothing of the test's (its output pipes, the proof pipes, the
            // spawn's error pipe), so only the test's exec tells std the spawn succeeded.
            close_all_but(alive_write.as_raw_fd());
            let status = wait_for(init);
            exit(exit_code(status))
        }
    }
}

/// Process 1 of the namespace: reaps every orphan until the test ends, then kills what is left,
/// counts it, reports, and exits (which makes the kernel kill anything still in the namespace).
fn init(test: libc::pid_t, report: RawFd) -> ! {
    close_all_but(report);
    let status = loop {
        match rustix::process::wait(WaitOptions::empty()) {
            Ok(Some((pid, status))) if pid.as_raw_pid() == test => break status.as_raw(),
            Ok(_) | Err(Errno::INTR) => {}
            Err(_) => break 0,
        }
    };
    // Processes that already ended are not leftovers: reap them before killing the rest.
    while let Ok(Some(_)) = rustix::process::wait(WaitOptions::NOHANG) {}
    // SAFETY: kill(-1) from process 1 signals every other process of its namespace, no others.
    unsafe { libc::kill(-1, libc::SIGKILL) };
    let mut leftovers = 0;
    loop {
        match rustix::process::wait(WaitOptions::empty()) {
            Ok(Some((_, status))) => {
                leftovers += u32::from(status.terminating_signal() == Some(libc::SIGKILL));
            }
            Err(Errno::INTR) => {}
            _ => break,
        }
    }
    // SAFETY: `report` is the init's own open descriptor (the grader's pipe).
    let report = unsafe { std::os::fd::BorrowedFd::borrow_raw(report) };
    let _ = rustix::io::write(report, &Report { status, leftovers }.to_bytes());
    exit(exit_code(status))
}

/// The test's own view of the file system: nothing it mounts reaches the host, its scratch folder
/// is a fresh tmpfs (gone with the namespace, capped in size), and /proc shows its own processes.
fn mount_private_folders(plan: &Plan, ns: &Namespaces) -> io::Result<()> {
    use rustix::mount::{MountFlags, MountPropagationFlags};
    rustix::mount::mount_change(
        c"/",
        MountPropagationFlags::REC | MountPropagationFlags::PRIVATE,
    )?;
    let flags = MountFlags::NOSUID | MountFlags::NODEV;
    rustix::mount::mount(
        c"tmpfs",
        plan.scratch.as_c_str(),
        c"tmpfs",
        flags,
        ns.tmpfs_options.as_c_str(),
    )?;
    rustix::mount::mount(c"proc", c"/proc", c"proc", flags | MountFlags::NOEXEC, None)?;
    Ok(())
}

/// Adds the scratch folder (every right) and /proc (read) to the ruleset and enforces it. The
/// working directory is the scratch folder.
fn restrict_files(landlock: &Landlock) -> io::Result<()> {
    add_rule(&landlock.ruleset, c".", landlock.scratch_access)?;
    add_rule(&landlock.ruleset, c"/proc", landlock.proc_access)?;
    // Landlock requires no_new_privs (or privilege); it also keeps a set-user-ID program from
    // regaining rights.
    rustix::thread::set_no_new_privs(true)?;
    // SAFETY: landlock_restrict_self(2) takes a ruleset descriptor and flags, no pointers.
    let enforced = unsafe {
        libc::syscall(
            libc::SYS_landlock_restrict_self,
            landlock.ruleset.as_raw_fd(),
            0,
        )
    };
    if enforced == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `struct landlock_path_beneath_attr` of <linux/landlock.h>.
#[repr(C, packed)]
struct PathBeneath {
    allowed_access: u64,
    parent_fd: i32,
}

/// `LANDLOCK_RULE_PATH_BENEATH` of <linux/landlock.h>.
const RULE_PATH_BENEATH: libc::c_int = 1;

fn add_rule(ruleset: &OwnedFd, path: &CStr, access: u64) -> io::Result<()> {
    let dir = rustix::fs::open(path, OFlags::PATH | OFlags::CLOEXEC, Mode::empty())?;
    let rule = PathBeneath {
        allowed_access: access,
        parent_fd: dir.as_raw_fd(),
    };
    // SAFETY: landlock_add_rule(2) reads one landlock_path_beneath_attr, which `rule` is, and
    // keeps no pointer to it.
    let added = unsafe {
        libc::syscall(
            libc::SYS_landlock_add_rule,
            ruleset.as_raw_fd(),
            RULE_PATH_BENEATH,
            &raw const rule,
            0,
        )
    };
    if added == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Brings the loopback interface of the new network namespace up: it starts down.
fn loopback_up() -> io::Result<()> {
    use rustix::net::{AddressFamily, SocketType};
    let socket = rustix::net::socket(AddressFamily::INET, SocketType::DGRAM, None)?;
    // SAFETY: ifreq is plain data, for which all zeros is a valid value.
    let mut request: libc::ifreq = unsafe { std::mem::zeroed() };
    for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
        *slot = *byte as libc::c_char;
    }
    // SAFETY: SIOCGIFFLAGS and SIOCSIFFLAGS read and write one ifreq, which `request` is; the
    // first fills the union's flags member, which the second reads.
    let up = unsafe {
        libc::ioctl(socket.as_raw_fd(), libc::SIOCGIFFLAGS, &raw mut request) != -1 && {
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            libc::ioctl(socket.as_raw_fd(), libc::SIOCSIFFLAGS, &raw const request) != -1
        }
    };
    if !up {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn write_file(path: &CStr, contents: &CStr) -> io::Result<()> {
    let file = rustix::fs::open(path, OFlags::WRONLY | OFlags::CLOEXEC, Mode::empty())?;
    let bytes = contents.to_bytes();
    if rustix::io::write(&file, bytes)? != bytes.len() {
        return Err(Errno::IO.into());
    }
    Ok(())
}

fn set_limit(resource: Resource, value: u64) -> io::Result<()> {
    let limit = Rlimit {
        current: Some(value),
        maximum: Some(value),
    };
    Ok(rustix::process::setrlimit(resource, limit)?)
}

/// Whether the process holding the pipe's write end still runs: it holds the end open.
fn peer_alive(read_end: &OwnedFd) -> bool {
    let mut byte = [0u8; 1];
    rustix::io::ioctl_fionbio(read_end, true).is_ok()
        && rustix::io::read(read_end, &mut byte) == Err(Errno::AGAIN)
}

fn close_all_but(keep: RawFd) {
    // Descriptors are not negative, so the unsigned bounds hold them all.
    let keep = keep as libc::c_uint;
    // SAFETY: close_range only closes descriptors; nothing in this process uses them again.
    unsafe {
        if keep > 0 {
            libc::close_range(0, keep - 1, 0);
        }
        libc::close_range(keep + 1, libc::c_uint::MAX, 0);
    }
}

fn wait_for(pid: libc::pid_t) -> i32 {
    let pid = Pid::from_raw(pid).expect("fork returned a positive pid");
    loop {
        match rustix::process::waitpid(Some(pid), WaitOptions::empty()) {
            Ok(Some((_, status))) => return status.as_raw(),
            Err(Errno::INTR) => {}
            _ => return 0,
        }
    }
}

/// The exit code a shell would show for a wait status: the code, or 128 + the signal.
fn exit_code(status: i32) -> i32 {
    if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        libc::WEXITSTATUS(status)
    }
}

/// Ends this process at once: no exit handlers, no flushing of buffers that belong to the grader.
fn exit(code: i32) -> ! {
    // SAFETY: _exit has no preconditions; it does not return.
    unsafe { libc::_exit(code) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_survives_the_pipe() {
        let (read, write) = rustix::pipe::pipe().unwrap();
        assert_eq!(Report::read(&read), None, "nothing written yet");
        let report = Report {
            status: 0x8b,
            leftovers: 3,
        };
        rustix::io::write(&write, &report.to_bytes()).unwrap();
        assert_eq!(Report::read(&read), Some(report));
    }

    #[test]
    fn exit_codes_follow_the_shell() {
        assert_eq!(exit_code(3 << 8), 3);
        assert_eq!(exit_code(libc::SIGKILL), 128 + libc::SIGKILL);
    }
}
