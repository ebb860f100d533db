//! What the store needs from the operating system beyond files: who this process is (to own a
//! draft, and to tell a live owner from a dead one whose pid was reused), whose files are ours,
//! and turning core dumps off (a core holds whatever patient data was in memory).

use crate::record::DraftOwner;
use std::sync::OnceLock;

/// The effective user id: files and folders the store reads must be owned by it.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// This computer's name, as the lock files and drafts record it.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::env::var("HOSTNAME"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this computer".into())
}

/// The id of the current boot (Linux): a pid from before a reboot is never taken for a live one.
fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|b| b.trim().to_owned())
        .filter(|b| !b.is_empty())
}

/// When a process started, in clock ticks since boot (field 22 of /proc/PID/stat): with the pid,
/// it names one process, even after the pid is reused.
pub fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// The owner a draft saved by `pid` (a running process on this computer) records.
pub fn owner_of(pid: u32) -> Option<DraftOwner> {
    Some(DraftOwner { host: host_name(), pid, boot_id: boot_id(), started: Some(process_start(pid)?) })
}

/// This process, as the owner of the drafts it saves.
pub fn this_process() -> &'static DraftOwner {
    static OWNER: OnceLock<DraftOwner> = OnceLock::new();
    OWNER.get_or_init(|| {
        let pid = std::process::id();
        DraftOwner { host: host_name(), pid, boot_id: boot_id(), started: process_start(pid) }
    })
}

/// Whether a draft's owner is still at work on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// This very process.
    Me,
    /// Another process on this computer that is still running.
    AliveHere,
    /// Another computer (a shared data folder): whether it runs cannot be known from here.
    OtherHost,
    /// The owner ended (crashed or was killed): the draft is left-over work.
    Gone,
}

/// Classify a draft's owner. A draft without one (written by an older version) counts as gone.
pub fn owner_state(owner: Option<&DraftOwner>) -> Owner {
    let Some(owner) = owner else { return Owner::Gone };
    let me = this_process();
    if owner.host != me.host {
        return Owner::OtherHost;
    }
    if owner.boot_id.is_some() && me.boot_id.is_some() && owner.boot_id != me.boot_id {
        return Owner::Gone; // the computer was restarted since
    }
    if owner.pid == me.pid && owner.started == me.started {
        return Owner::Me;
    }
    let alive = match (owner.started, process_start(owner.pid)) {
        (Some(then), Some(now)) => then == now,
        (_, None) if std::path::Path::new("/proc/self/stat").exists() => false,
        // No /proc to tell: ask the kernel whether the pid exists at all.
        _ => pid_exists(owner.pid),
    };
    if alive { Owner::AliveHere } else { Owner::Gone }
}

fn pid_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Turn core dumps off for this process: a core file would hold the patient data in memory.
/// RLIMIT_CORE 0 (and the hard limit too, so nothing below can raise it), and on Linux
/// PR_SET_DUMPABLE 0, which also keeps other processes of the same user from reading our memory.
pub fn disable_core_dumps() -> std::io::Result<()> {
    let limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: setrlimit reads the struct we pass and nothing else.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_DUMPABLE takes one integer argument; the others are ignored.
        if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0 as libc::c_ulong, 0, 0, 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Core dumps are off (for tests and a start-up check).
pub fn core_dumps_disabled() -> bool {
    let mut limit = libc::rlimit { rlim_cur: 1, rlim_max: 1 };
    // SAFETY: getrlimit writes into the struct we pass.
    let limited = unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) } == 0 && limit.rlim_cur == 0;
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_GET_DUMPABLE takes no argument and returns the flag.
        let dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) };
        limited && dumpable == 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        limited
    }
}
