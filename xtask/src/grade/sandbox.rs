//! The sandbox every graded test process runs in: student code runs with no rights over the
//! teacher's machine.
//!
//! Layers, each a mechanism the Linux kernel maintains and documents:
//!
//! - a **user namespace**: the test runs as an ordinary user of a namespace of its own, with no
//!   privilege over the host even when the grader is root; it is also what lets an unprivileged
//!   grader create the namespaces below;
//! - a **PID namespace** whose init (see `confine`) kills whatever the test leaves behind, a
//!   `setsid()` fork bomb included; `RLIMIT_NPROC`, counted per user namespace, caps its
//!   processes and threads (the kernel exempts global uid 0 from it even inside a user
//!   namespace, so a root grader's tests run as `nobody`);
//! - a **network namespace** with only a loopback interface;
//! - a **mount namespace**: a private tmpfs as the scratch folder and `$TMPDIR`, and a /proc of
//!   its own;
//! - **Landlock** (see `files`): writes only in the scratch folder, reads only the system, the
//!   toolchain and the workspace; from ABI 6 no signals to processes outside the sandbox;
//! - **resource limits**: address space per process, no core dumps; and, in every mode, the
//!   test's time limit on its whole process group (see `crate::process`).
//!
//! `--sandbox auto` (the default) probes once per run and uses every layer the kernel allows;
//! `require` refuses to grade without all of them; `off` runs tests as before, for debugging.
//! The report states which layers were in force, and why any was not.

mod confine;
mod files;

use crate::process::{self, Ending, Outcome, Output};
use anyhow::bail;
use serde::{Deserialize, Serialize};
use std::ffi::CString;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Bytes of address space each process of a test may map.
pub const MEMORY: u64 = 4 << 30;
/// Processes and threads a test may have at once.
pub const PROCESSES: u64 = 256;
/// Bytes the scratch folder may hold.
pub const SCRATCH_SIZE: u64 = 512 << 20;
/// The user and group id of a test inside its user namespace: an ordinary one, so that after
/// `exec` the test holds no capability even there.
const INSIDE_ID: u32 = 1000;
/// Who a test runs as on the host when the grader is root: `nobody`.
const NOBODY: (u32, u32) = (65534, 65534);
/// The only environment variables a test inherits (besides `TMPDIR` and those the grader sets
/// for it): no tokens or keys of the teacher's shell reach student code.
const KEPT_ENV: [&str; 5] = ["PATH", "HOME", "USER", "LANG", "LC_ALL"];

/// `--sandbox`: how strictly graded tests are confined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every layer this machine allows; the report says which.
    Auto,
    /// Every layer, or no grading at all.
    Require,
    /// No confinement (for debugging a test): only the time limit.
    Off,
}

/// Whether a layer confined the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Fully in force.
    InForce,
    /// In force, with a gap the detail names.
    Partial,
    /// Not available on this machine (the detail says why, and the fix).
    Missing,
    /// Turned off (`--sandbox off`).
    Off,
}

/// One layer of the sandbox, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Layer {
    /// The mechanism.
    pub name: String,
    /// Whether it was in force.
    pub status: Status,
    /// What it guarantees, or why it was not in force and how to fix that.
    pub detail: String,
}

/// What confined the tests of a run (`sandbox` in report.json).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SandboxReport {
    /// `auto`, `require` or `off`.
    pub mode: Mode,
    /// Every layer, in force or not.
    pub layers: Vec<Layer>,
}

impl SandboxReport {
    /// The mode, as given on the command line.
    pub fn mode_label(&self) -> &'static str {
        match self.mode {
            Mode::Auto => "--sandbox auto",
            Mode::Require => "--sandbox require",
            Mode::Off => "--sandbox off",
        }
    }

    /// `Err` naming every layer not fully in force, why, and the fix: `--sandbox require`.
    fn refuse_gaps(&self) -> anyhow::Result<()> {
        let gaps = self.gap_lines();
        if gaps.is_empty() {
            return Ok(());
        }
        bail!(
            "--sandbox require: this machine cannot confine student code fully, so nothing was \
             graded:\n  {}",
            gaps.join("\n  ")
        )
    }

    /// One line per reason a layer is not fully in force, naming the layers it concerns.
    pub fn gap_lines(&self) -> Vec<String> {
        let mut gaps: Vec<(Vec<&str>, &str)> = Vec::new();
        for layer in self.gaps() {
            match gaps.last_mut() {
                Some((names, detail)) if *detail == layer.detail => names.push(&layer.name),
                _ => gaps.push((vec![&layer.name], &layer.detail)),
            }
        }
        gaps.iter()
            .map(|(names, detail)| format!("{}: {detail}", names.join(", ")))
            .collect()
    }

    /// In a word or a line, for a gradebook's column: `full`, `off`, or the layers missing.
    pub fn summary(&self) -> String {
        if self.mode == Mode::Off {
            return "off".into();
        }
        let gaps: Vec<&str> = self.gaps().map(|l| l.name.as_str()).collect();
        if gaps.is_empty() {
            "full".into()
        } else {
            format!("partial: no {}", gaps.join(", no "))
        }
    }

    /// The layers not fully in force.
    pub fn gaps(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter().filter(|l| l.status != Status::InForce)
    }

    fn in_force(&self, name: &str) -> bool {
        self.layers
            .iter()
            .any(|l| l.name == name && l.status == Status::InForce)
    }
}

/// The confinement of one run's graded tests: probed once, applied to each test process.
#[derive(Debug)]
pub struct Sandbox {
    mode: Mode,
    /// Who the test becomes on the host (a root grader's tests become `nobody`).
    user: Option<(u32, u32)>,
    namespaces: bool,
    files: Option<files::Policy>,
    /// The scratch folder's mount point (with namespaces), or the folder of per-test scratch
    /// folders (without).
    scratch: PathBuf,
    report: SandboxReport,
}

impl Sandbox {
    /// Probes what this machine allows and settles the layers for a run. Tests may read
    /// `readable` (the workspace, its target folder) besides the system and the toolchain; their
    /// scratch folders live under `scratch`. In `require` mode, a missing layer is an error
    /// that names it and its fix.
    pub fn new(mode: Mode, readable: &[&Path], scratch: &Path) -> anyhow::Result<Sandbox> {
        let mut sandbox = Sandbox {
            mode,
            user: None,
            namespaces: false,
            files: None,
            scratch: scratch.to_path_buf(),
            report: SandboxReport {
                mode,
                layers: Vec::new(),
            },
        };
        if mode == Mode::Off {
            sandbox.report.layers = layers(None);
            return Ok(sandbox);
        }
        std::fs::create_dir_all(scratch)?;
        remove_orphaned_scratch(scratch);
        let mut allowed: Vec<PathBuf> = readable.iter().map(|p| p.to_path_buf()).collect();
        allowed.extend(toolchain());

        let process_cap = test_user(readable);
        sandbox.user = process_cap.as_ref().ok().copied().flatten();
        sandbox.namespaces = true;
        let namespaces = sandbox
            .probe()
            .map_err(|err| namespaces_missing(&err, read_sysctl));
        sandbox.namespaces = namespaces.is_ok();
        let files = files::Policy::new(&allowed)
            .map_err(|u| u.0)
            .and_then(|policy| {
                sandbox.files = Some(policy);
                sandbox.probe().map_err(|err| {
                    sandbox.files = None;
                    format!("Landlock is present but could not be applied: {err}")
                })
            });
        sandbox.report.layers = layers(Some(&Probed {
            namespaces,
            process_cap: process_cap.map(drop),
            host_user: sandbox
                .user
                .map_or_else(|| rustix::process::geteuid().as_raw(), |u| u.0),
            files: files.map(|()| sandbox.files.as_ref().expect("set on success")),
        }));

        if mode == Mode::Require {
            sandbox.report.refuse_gaps()?;
        }
        Ok(sandbox)
    }

    /// Which layers are in force, for the report.
    pub fn report(&self) -> &SandboxReport {
        &self.report
    }

    /// Sets `cmd` up to run confined: its scratch folder as working directory and `$TMPDIR`,
    /// a cleared environment, and the confinement steps between fork and exec. Call it before
    /// adding the test's own environment variables and descriptors; keep the result until the
    /// process has ended.
    pub fn confine(&self, cmd: &mut Command) -> io::Result<Confined> {
        if self.mode == Mode::Off {
            return Ok(Confined {
                report: None,
                _scratch: None,
            });
        }
        // With namespaces, every test mounts its own tmpfs on the same (empty) folder; without,
        // each gets a folder of its own on disk, removed when it ends.
        let (scratch, owned) = if self.namespaces {
            (self.scratch.clone(), None)
        } else {
            let dir = tempfile::Builder::new()
                .prefix(&format!("{SCRATCH_PREFIX}{}-", std::process::id()))
                .tempdir_in(&self.scratch)?;
            if let Some((uid, gid)) = self.user {
                use rustix::process::{Gid, Uid};
                rustix::fs::chown(
                    dir.path(),
                    Some(Uid::from_raw(uid)),
                    Some(Gid::from_raw(gid)),
                )?;
            }
            (dir.path().to_path_buf(), Some(dir))
        };
        cmd.env_clear()
            .envs(
                KEPT_ENV
                    .iter()
                    .filter_map(|k| Some((k, std::env::var_os(k)?))),
            )
            .env("TMPDIR", scratch.join("tmp"))
            .current_dir(&scratch);

        let (report, namespaces) = if self.namespaces {
            let (read, write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
            let map = |outer: u32| c_string(format!("{INSIDE_ID} {outer} 1"));
            let (uid, gid) = self.user.unwrap_or_else(|| {
                use rustix::process::{getegid, geteuid};
                (geteuid().as_raw(), getegid().as_raw())
            });
            let namespaces = confine::Namespaces {
                uid_map: map(uid),
                gid_map: map(gid),
                tmpfs_options: c_string(format!("size={SCRATCH_SIZE},mode=0700")),
                processes: PROCESSES,
                report: write,
            };
            (Some(read), Some(namespaces))
        } else {
            (None, None)
        };
        let landlock = match &self.files {
            Some(policy) => Some(confine::Landlock {
                ruleset: policy.ruleset().map_err(io::Error::other)?,
                scratch_access: policy.all_access(),
                proc_access: policy.read_access(),
            }),
            None => None,
        };
        let plan = confine::Plan {
            grader: std::process::id(),
            user: self.user,
            namespaces,
            scratch: c_string(scratch.as_os_str().as_bytes()),
            tmp: c"tmp".into(),
            memory: MEMORY,
            landlock,
        };
        // SAFETY: `confine::enter` is written for the child between fork and exec: it only
        // makes system calls on the plan, prepared here.
        unsafe {
            cmd.pre_exec(move || confine::enter(&plan));
        }
        Ok(Confined {
            report,
            _scratch: owned,
        })
    }

    /// A note on which of the sandbox's limits a failed test ran into, if what it printed (an
    /// error's message, as Display and Debug both show it) looks like one.
    pub fn explain(&self, output: &str) -> Option<String> {
        let report = &self.report;
        let note = if output.contains("memory allocation of") && report.in_force("resource limits")
        {
            format!(
                "each process of a test may map at most {} GiB",
                MEMORY >> 30
            )
        } else if output.contains("Network is unreachable") && report.in_force("network namespace")
        {
            "a test reaches no network but loopback (127.0.0.1)".to_string()
        } else if (output.contains("Permission denied")
            || output.contains("Operation not permitted"))
            && report.in_force("Landlock")
        {
            "a test writes only in its scratch folder and $TMPDIR, and reads only the system, \
             the toolchain and the workspace"
                .to_string()
        } else if output.contains("Resource temporarily unavailable")
            && report.in_force("PID namespace")
        {
            format!("a test may run at most {PROCESSES} processes and threads at once")
        } else {
            return None;
        };
        Some(format!("the sandbox: {note}"))
    }

    /// Runs `true` under this sandbox: `Err` says what failed.
    fn probe(&self) -> Result<(), String> {
        let mut cmd = Command::new("true");
        let confined = self.confine(&mut cmd).map_err(|e| e.to_string())?;
        let outcome = process::run(&mut cmd, Duration::from_secs(10), Output::Capture)
            .map_err(|e| e.to_string())?;
        match confined.ending(&outcome) {
            (Ending::Exited(0), 0) => Ok(()),
            (ending, _) => Err(format!("a confined `true` ended with {ending:?}")),
        }
    }
}

/// A test process's link to its sandbox: the init's report, and the scratch folder on disk to
/// remove when it ends (without namespaces).
pub struct Confined {
    report: Option<OwnedFd>,
    _scratch: Option<tempfile::TempDir>,
}

impl Confined {
    /// How the test process itself ended and how many processes it left running. With a PID
    /// namespace the spawned process is only a waiter, and the init's report tells; at the time
    /// limit, or without a namespace, the grader's own view stands.
    pub fn ending(&self, outcome: &Outcome) -> (Ending, usize) {
        let seen = (outcome.ending, outcome.leftovers);
        let Some(pipe) = &self.report else {
            return seen;
        };
        match (outcome.ending, confine::Report::read(pipe)) {
            (Ending::TimedOut, _) | (_, None) => seen,
            (_, Some(report)) => {
                let ending = if libc::WIFSIGNALED(report.status) {
                    Ending::Signaled(libc::WTERMSIG(report.status))
                } else {
                    Ending::Exited(libc::WEXITSTATUS(report.status))
                };
                (ending, report.leftovers as usize + outcome.leftovers)
            }
        }
    }
}

/// What the probes of [`Sandbox::new`] found.
struct Probed<'a> {
    /// The namespaces, or why not (and the fix).
    namespaces: Result<(), String>,
    /// Whether RLIMIT_NPROC binds the test, or why not (and the fix).
    process_cap: Result<(), String>,
    /// Who a test runs as on the host.
    host_user: u32,
    /// The file policy, or why not (and the fix).
    files: Result<&'a files::Policy, String>,
}

/// The layers as reported: `None` for `--sandbox off`.
fn layers(probed: Option<&Probed>) -> Vec<Layer> {
    let layer = |name: &str, status, detail: String| Layer {
        name: name.to_string(),
        status,
        detail,
    };
    let Some(probed) = probed else {
        let off = |name: &str| layer(name, Status::Off, "--sandbox off".into());
        return LAYER_NAMES
            .into_iter()
            .map(|name| match name {
                "time limit" => time_limit(),
                _ => off(name),
            })
            .collect();
    };
    let from_namespaces = |name: &str, detail: String| match &probed.namespaces {
        Ok(()) => layer(name, Status::InForce, detail),
        Err(why) => layer(name, Status::Missing, why.clone()),
    };
    let processes = format!(
        "nothing the test starts outlives it, setsid() included; at most {PROCESSES} processes \
         and threads at once"
    );
    let pid_namespace = match (&probed.namespaces, &probed.process_cap) {
        (Ok(()), Err(why)) => layer("PID namespace", Status::Partial, why.clone()),
        _ => from_namespaces("PID namespace", processes),
    };
    let landlock = match &probed.files {
        Err(why) => layer("Landlock", Status::Missing, why.clone()),
        Ok(policy) if policy.abi() < 3 => layer(
            "Landlock",
            Status::Partial,
            format!(
                "{}; but before ABI 3 (Linux 6.2) truncate(2) is not covered: update the kernel",
                landlock_detail(policy)
            ),
        ),
        Ok(policy) => layer("Landlock", Status::InForce, landlock_detail(policy)),
    };
    vec![
        from_namespaces(
            "user namespace",
            format!(
                "the test runs as user {INSIDE_ID} of a namespace of its own (uid {} on the host), \
                 with no privilege over the host",
                probed.host_user
            ),
        ),
        pid_namespace,
        from_namespaces(
            "network namespace",
            "no network but its own loopback interface".into(),
        ),
        from_namespaces(
            "mount namespace",
            format!(
                "its scratch folder and $TMPDIR are a private tmpfs of {} MiB, gone with the \
                 test; a /proc of its own",
                SCRATCH_SIZE >> 20
            ),
        ),
        landlock,
        layer(
            "resource limits",
            Status::InForce,
            format!(
                "at most {} GiB of address space per process; no core dumps",
                MEMORY >> 30
            ),
        ),
        time_limit(),
    ]
}

/// The layers, in the order they are reported.
const LAYER_NAMES: [&str; 7] = [
    "user namespace",
    "PID namespace",
    "network namespace",
    "mount namespace",
    "Landlock",
    "resource limits",
    "time limit",
];

fn time_limit() -> Layer {
    Layer {
        name: "time limit".to_string(),
        status: Status::InForce,
        detail: "each test's limit from grading.toml, on its whole process group".into(),
    }
}

/// Who a test runs as on the host, if not the grader's user: a root grader's tests run as
/// `nobody`, since the kernel exempts root from RLIMIT_NPROC even inside a user namespace. That
/// needs the folders the tests read to be reachable by other users; `Err` says which is not.
fn test_user(readable: &[&Path]) -> Result<Option<(u32, u32)>, String> {
    use std::os::unix::fs::PermissionsExt as _;
    if !rustix::process::geteuid().is_root() {
        return Ok(None);
    }
    if !maps(NOBODY.0, "/proc/self/uid_map") || !maps(NOBODY.1, "/proc/self/gid_map") {
        return Err(
            "nothing the test starts outlives it, but no process cap: the grader runs as root, \
             which RLIMIT_NPROC does not bind, in a user namespace that has no `nobody` (65534) \
             for the test to become (fix: run the grader as an ordinary user)"
                .into(),
        );
    }
    let searchable = |dir: &Path| {
        dir.metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o001 != 0)
    };
    match readable
        .iter()
        .flat_map(|path| path.ancestors())
        .find(|dir| !searchable(dir))
    {
        None => Ok(Some(NOBODY)),
        Some(closed) => Err(format!(
            "nothing the test starts outlives it, but no process cap: the grader runs as root, \
             which RLIMIT_NPROC does not bind, and the test cannot run as nobody because {} is \
             closed to other users (fix: run the grader as an ordinary user, or `chmod o+x {}`)",
            closed.display(),
            closed.display()
        )),
    }
}

fn landlock_detail(policy: &files::Policy) -> String {
    let mut detail = format!(
        "ABI {}: writes only in the scratch folder; reads only the system folders, /etc without \
         its secrets, the toolchain and the workspace",
        policy.abi()
    );
    if policy.scopes_signals() {
        detail.push_str("; no signals to processes outside the sandbox");
    }
    detail
}

/// Why namespaces are not available here, and the fix, from the probe's error and the kernel's
/// settings (`sysctl` reads one, by name).
fn namespaces_missing(err: &str, sysctl: impl Fn(&str) -> Option<String>) -> String {
    let set_to = |name: &str, value: &str| sysctl(name).is_some_and(|v| v.trim() == value);
    let fix = |name: &str, value: &str| format!("`sudo sysctl -w {name}={value}`");
    if set_to("kernel.apparmor_restrict_unprivileged_userns", "1") {
        format!(
            "AppArmor blocks user namespaces for ordinary users \
             (kernel.apparmor_restrict_unprivileged_userns=1, as on Ubuntu 24.04 and GitHub's \
             runners); allow them with {}",
            fix("kernel.apparmor_restrict_unprivileged_userns", "0")
        )
    } else if set_to("kernel.unprivileged_userns_clone", "0") {
        format!(
            "user namespaces are off for ordinary users (kernel.unprivileged_userns_clone=0); \
             allow them with {}",
            fix("kernel.unprivileged_userns_clone", "1")
        )
    } else if set_to("user.max_user_namespaces", "0") {
        format!(
            "user namespaces are off (user.max_user_namespaces=0); allow them with {}",
            fix("user.max_user_namespaces", "10000")
        )
    } else {
        format!(
            "the kernel refused to create namespaces ({err}); inside a container, its seccomp \
             or AppArmor profile may forbid them"
        )
    }
}

/// A kernel setting, by its `sysctl` name.
fn read_sysctl(name: &str) -> Option<String> {
    std::fs::read_to_string(Path::new("/proc/sys").join(name.replace('.', "/"))).ok()
}

/// Whether the id map (`/proc/self/uid_map` or `gid_map`) of our user namespace maps `id`.
fn maps(id: u32, map: &str) -> bool {
    let text = std::fs::read_to_string(map).unwrap_or_default();
    text.lines().any(|line| {
        let fields: Vec<u64> = line
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        matches!(fields[..], [inside, _, count] if (inside..inside + count).contains(&u64::from(id)))
    })
}

/// The name of a scratch folder on disk starts with this and the grader's process id.
const SCRATCH_PREFIX: &str = "test-";

/// Removes the scratch folders on disk of graders that died without removing them (a Ctrl-C):
/// their process id names no running process. (With namespaces there are none: a test's scratch
/// folder is a tmpfs that ends with it.)
fn remove_orphaned_scratch(scratch: &Path) {
    for entry in std::fs::read_dir(scratch).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let grader = name
            .to_str()
            .and_then(|n| n.strip_prefix(SCRATCH_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if grader.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The Rust toolchain's folders, which tests may read.
fn toolchain() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let folder = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(default)))
    };
    [
        folder("CARGO_HOME", ".cargo"),
        folder("RUSTUP_HOME", ".rustup"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn c_string(bytes: impl Into<Vec<u8>>) -> CString {
    CString::new(bytes).expect("paths and maps hold no NUL byte")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocked_user_namespace_is_named_with_its_fix() {
        let ubuntu = |name: &str| {
            (name == "kernel.apparmor_restrict_unprivileged_userns").then(|| "1\n".to_string())
        };
        let why = namespaces_missing("Operation not permitted", ubuntu);
        assert!(
            why.contains("sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"),
            "{why}"
        );
        let why = namespaces_missing("Operation not permitted", |_| None);
        assert!(why.contains("Operation not permitted"), "{why}");
    }

    #[test]
    fn require_refuses_any_gap_and_names_it() {
        let mut report = SandboxReport {
            mode: Mode::Require,
            layers: vec![time_limit()],
        };
        assert!(report.refuse_gaps().is_ok());
        report.layers.push(Layer {
            name: "network namespace".into(),
            status: Status::Missing,
            detail: "allow them with `sudo sysctl -w x=0`".into(),
        });
        report.layers.push(Layer {
            name: "mount namespace".into(),
            ..report.layers[1].clone()
        });
        let err = report.refuse_gaps().unwrap_err().to_string();
        assert!(
            err.contains("nothing was graded")
                && err.contains("network namespace, mount namespace: allow them"),
            "{err}"
        );
    }

    /// Where namespaces are missing, Landlock and the limits still hold, and each test's scratch
    /// folder is one on disk, removed when the test ends.
    #[test]
    fn without_namespaces_the_scratch_folder_is_on_disk_and_removed() {
        let root = crate::workspace::root();
        let target = root.join("target");
        let scratch = target.join("grade/sandbox-without-namespaces");
        let mut sandbox = Sandbox::new(Mode::Auto, &[&root, &target], &scratch).unwrap();
        sandbox.namespaces = false;
        let escape = Path::new("/tmp/grader-sandbox-escape");
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(format!(
            "echo > here && echo > \"$TMPDIR/there\" && pwd; {{ echo > {}; }} 2>/dev/null && echo escaped",
            escape.display()
        ));
        let confined = sandbox.confine(&mut cmd).unwrap();
        let outcome = process::run(&mut cmd, Duration::from_secs(10), Output::Capture).unwrap();
        let escaped = escape.exists();
        let _ = std::fs::remove_file(escape);
        let folder = outcome
            .output
            .lines()
            .map(PathBuf::from)
            .find(|line| line.starts_with(&scratch))
            .unwrap_or_default();
        assert!(folder.join("tmp/there").is_file(), "{}", outcome.output);
        if sandbox.report.in_force("Landlock") {
            assert!(!escaped && !outcome.output.contains("escaped"));
        }
        drop(confined);
        assert!(!folder.exists(), "the scratch folder is removed");
    }

    #[test]
    fn scratch_folders_of_dead_graders_are_removed() {
        let scratch = tempfile::tempdir().unwrap();
        let orphan = scratch.path().join(format!("{SCRATCH_PREFIX}999999999-x"));
        let ours = scratch
            .path()
            .join(format!("{SCRATCH_PREFIX}{}-x", std::process::id()));
        for dir in [&orphan, &ours] {
            std::fs::create_dir_all(dir.join("tmp")).unwrap();
        }
        remove_orphaned_scratch(scratch.path());
        assert!(!orphan.exists() && ours.exists());
    }

    #[test]
    fn the_summary_names_what_is_missing() {
        let mut report = SandboxReport {
            mode: Mode::Auto,
            layers: vec![time_limit()],
        };
        assert_eq!(report.summary(), "full");
        report.layers.push(Layer {
            name: "Landlock".into(),
            status: Status::Missing,
            detail: String::new(),
        });
        assert_eq!(report.summary(), "partial: no Landlock");
        report.mode = Mode::Off;
        assert_eq!(report.summary(), "off");
    }

    #[test]
    fn off_keeps_only_the_time_limit() {
        let layers = layers(None);
        assert_eq!(layers.len(), LAYER_NAMES.len());
        for layer in layers {
            let expected = if layer.name == "time limit" {
                Status::InForce
            } else {
                Status::Off
            };
            assert_eq!(layer.status, expected, "{}", layer.name);
        }
    }
}
