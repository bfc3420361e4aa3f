//! The sandbox's file policy, enforced by Landlock: what a graded test may read and write.
//!
//! Landlock rules allow; nothing else is. A test may read (and run) the system's programs and
//! libraries, `/etc` without its secrets, `/sys`, a few devices, the Rust toolchain, the workspace
//! and its target folder; it may write only in its scratch folder (which holds `$TMPDIR`). Its
//! `/proc` and scratch folder exist only inside its namespaces, so the child adds those two rules
//! itself (see `confine`). Not listed, so out of reach: the homes (`/root`, `/home`), the host's
//! `/tmp`, `/var`, `/run`, `/mnt`, `/media`, `/srv`, `/opt`, `/boot`, and the raw disks in `/dev`.

use landlock::{
    ABI, Access, AccessFs, BitFlags, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, Scope,
};
use std::os::fd::{AsFd as _, OwnedFd};
use std::path::PathBuf;

/// System folders a test reads and runs programs from, where they exist.
const SYSTEM: [&str; 8] = [
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/sys",
];

/// Entries of `/etc` a test may not read: credentials a grader running as root could otherwise
/// read (a test runs as the grader's user, and so passes the same permission checks).
const ETC_SECRETS: [&str; 11] = [
    "shadow",
    "shadow-",
    "gshadow",
    "gshadow-",
    "sudoers",
    "sudoers.d",
    "ssh",
    "ssl",
    "security",
    "credstore",
    "credstore.encrypted",
];

/// Devices a test may open for reading and writing.
const DEVICES: [&str; 5] = [
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
];

/// Why Landlock cannot be used on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable(pub String);

/// The file policy of every test of a run: what it may do beneath which folder or file (opened
/// once per run, so that each test's ruleset costs only system calls), and the Landlock ABI.
#[derive(Debug)]
pub struct Policy {
    abi: ABI,
    rules: Vec<(PathFd, BitFlags<AccessFs>)>,
}

impl Policy {
    /// The policy for tests that may also read `allowed` (the toolchain, the workspace, ...),
    /// if this kernel has Landlock.
    pub fn new(allowed: &[PathBuf]) -> Result<Policy, Unavailable> {
        let abi = kernel_abi()?;
        let etc = std::fs::read_dir("/etc")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| !ETC_SECRETS.iter().any(|s| e.file_name() == *s))
            .map(|e| e.path());
        let reads = SYSTEM
            .iter()
            .map(PathBuf::from)
            .chain(etc)
            .chain(allowed.iter().cloned())
            .map(|path| (path, AccessFs::from_read(abi)));
        let devices = DEVICES
            .iter()
            .map(|device| (PathBuf::from(device), AccessFs::from_file(abi)));
        // Paths this machine lacks are skipped; directory-only rights (listing) are an error on a
        // file.
        let rules = reads
            .chain(devices)
            .filter_map(|(path, access)| {
                let is_dir = path.metadata().ok()?.is_dir();
                let access = if is_dir {
                    access
                } else {
                    access & AccessFs::from_file(abi)
                };
                Some((PathFd::new(&path).ok()?, access))
            })
            .collect();
        Ok(Policy { abi, rules })
    }

    /// The Landlock ABI version in force.
    pub fn abi(&self) -> u32 {
        self.abi as u32
    }

    /// Every right Landlock handles at this ABI: what the scratch folder grants.
    pub fn all_access(&self) -> u64 {
        AccessFs::from_all(self.abi).bits()
    }

    /// The read rights: what /proc grants.
    pub fn read_access(&self) -> u64 {
        AccessFs::from_read(self.abi).bits()
    }

    /// Whether this ABI also confines signals and abstract UNIX sockets to the sandbox (ABI 6).
    pub fn scopes_signals(&self) -> bool {
        !Scope::from_all(self.abi).is_empty()
    }

    /// A fresh ruleset with the static rules, for one test (the child adds its own two rules to
    /// it, so no two tests share one).
    pub fn ruleset(&self) -> Result<OwnedFd, landlock::RulesetError> {
        let mut ruleset = Ruleset::default()
            // Exactly the rights of this ABI, or an error: the child's rules name them.
            .set_compatibility(CompatLevel::HardRequirement)
            .handle_access(AccessFs::from_all(self.abi))?;
        if self.scopes_signals() {
            ruleset = ruleset.scope(Scope::from_all(self.abi))?;
        }
        let mut created = ruleset.create()?;
        for (fd, access) in &self.rules {
            created = created.add_rule(PathBeneath::new(fd.as_fd(), *access))?;
        }
        Option::<OwnedFd>::from(created).ok_or_else(|| {
            landlock::RulesetError::from(landlock::CreateRulesetError::MissingHandledAccess)
        })
    }
}

/// The Landlock ABI version of the running kernel, read the way the kernel documents it.
fn kernel_abi() -> Result<ABI, Unavailable> {
    // `LANDLOCK_CREATE_RULESET_VERSION`: with no attributes, landlock_create_ruleset(2) returns
    // the ABI version instead of a ruleset.
    const VERSION: libc::c_uint = 1;
    // SAFETY: a null attribute pointer with size 0 is the documented way to ask for the version.
    let version = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            VERSION,
        )
    };
    if version >= 1 {
        return Ok(ABI::from(version as i32));
    }
    Err(Unavailable(
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EOPNOTSUPP) => {
                "this kernel has Landlock but it is off: add `landlock` to the `lsm=` kernel \
                 boot parameter"
            }
            _ => "this kernel has no Landlock (it needs Linux 5.13 or later, built with it)",
        }
        .to_string(),
    ))
}
