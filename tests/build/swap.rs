//! The output folder is replaced whole: killed, raced or blocked, a build leaves
//! readers either the old site or the new one, never a mix.
//!
//! The kill test's size and binary can be raised for measurements:
//! `SITREP_KILL_ISSUES=1000 SITREP_KILL_BIN=target/release/sitrep cargo test --test build kill`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::support::{assert_same_files, snapshot};

type Files = BTreeMap<String, Vec<u8>>;

fn binary() -> PathBuf {
    std::env::var_os("SITREP_KILL_BIN").map_or(env!("CARGO_BIN_EXE_sitrep").into(), PathBuf::from)
}

/// A site of `n` issues whose every page shows the site title from config.toml.
fn site(n: u32) -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir_all(dir.path().join("content/issues")).unwrap();
    for i in 1..=n {
        let date = jiff::civil::date(1990, 1, 1) + jiff::Span::new().weeks(i64::from(i));
        let text = format!(
            "+++\nnumber = {i}\ndate = {date}\ntitle = \"Issue {i}\"\n\n\
             [[links]]\ntitle = \"Runbooks that age well {i}\"\nurl = \"https://sre.google/\"\n\
             tags = [\"oncall\"]\ncommentary = \"Why *runbook {i}* stayed useful.\"\n\n\
             [[outages]]\nservice = \"Service {}\"\nurl = \"https://www.githubstatus.com/\"\n\
             date = {date}\ntags = [\"dns\"]\ncommentary = \"Resolution failed for an hour.\"\n\
             +++\n\nThis week, issue {i}: notes on load shedding and retries.\n",
            i % 40
        );
        std::fs::write(dir.path().join(format!("content/issues/{i}.md")), text).unwrap();
    }
    dir
}

fn set_title(site: &Path, title: &str) {
    let config = format!("title = \"{title}\"\nbase_url = \"https://news.example.com/\"\n");
    std::fs::write(site.join("config.toml"), config).unwrap();
}

fn spawn_build(site: &Path, out: &Path) -> Child {
    Command::new(binary())
        .arg("build")
        .arg("--root")
        .arg(site)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn build(site: &Path, out: &Path) -> Files {
    let run = spawn_build(site, out).wait_with_output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    snapshot(out)
}

/// A deterministic stream of delays (splitmix64), so a failure can be replayed.
struct Delays(u64);

impl Delays {
    fn next(&mut self, max: Duration) -> Duration {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        max.mul_f64(((z ^ (z >> 31)) % 10_000) as f64 / 10_000.0)
    }
}

#[test]
fn kill_9_at_random_points_of_a_rebuild_leaves_the_old_site_or_the_new_one() {
    let issues = std::env::var("SITREP_KILL_ISSUES").map_or(150, |n| n.parse().unwrap());
    let kills = std::env::var("SITREP_KILLS").map_or(30, |n| n.parse().unwrap());
    let site = site(issues);
    let scratch = TempDir::new().unwrap();
    let mut versions = Vec::new();
    for title in ["Old Weekly", "New Weekly"] {
        set_title(site.path(), title);
        versions.push(build(site.path(), &scratch.path().join(title)));
    }
    let same: Vec<&String> = versions[0]
        .iter()
        .filter(|(path, bytes)| path.ends_with(".html") && versions[1].get(*path) == Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        same.is_empty(),
        "every page must differ between the versions: {same:?}"
    );

    // Kills land anywhere in a rebuild in which every page changes, or after it ended.
    let out = scratch.path().join("public");
    set_title(site.path(), "New Weekly");
    build(site.path(), &out);
    set_title(site.path(), "Old Weekly");
    let started = Instant::now();
    build(site.path(), &out);
    let full = started.elapsed();
    let (mut current, mut counts) = (0, [0usize; 3]);
    let mut delays = Delays(42);
    for _ in 0..kills {
        let next = 1 - current;
        set_title(site.path(), ["Old Weekly", "New Weekly"][next]);
        let mut child = spawn_build(site.path(), &out);
        std::thread::sleep(delays.next(full.mul_f64(2.0)));
        let _ = child.kill();
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == versions[current] {
            counts[0] += 1;
        } else if now == versions[next] {
            counts[1] += 1;
            current = next;
        } else {
            counts[2] += 1;
            let new = now
                .iter()
                .filter(|(p, b)| versions[next].get(*p) == Some(*b))
                .count();
            eprintln!("mixed: {new} of {} files new", now.len());
            // Start the next round from a whole site again.
            build(site.path(), &out);
            current = next;
        }
    }
    eprintln!(
        "kill test, {issues} issues, full build {full:?}: {} old, {} new, {} mixed of {kills} kills",
        counts[0], counts[1], counts[2]
    );
    assert_eq!(counts[2], 0);
    // The build and the kills must have met: some kills before the switch, some after.
    assert!(
        counts[0] > 0 && counts[1] > 0,
        "kills never interrupted a build: {counts:?}"
    );
}

#[test]
fn a_build_waits_for_the_one_holding_the_output_and_says_which_process_that_is() {
    let site = site(3);
    set_title(site.path(), "Weekly");
    let scratch = TempDir::new().unwrap();
    let out = scratch.path().join("public");
    let mut lock = File::create(scratch.path().join(".public.sitrep-lock")).unwrap();
    lock.lock().unwrap();
    write!(lock, "{}", std::process::id()).unwrap();

    let mut child = spawn_build(site.path(), &out);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build did not wait for the lock"
    );
    assert!(!out.exists(), "the build wrote while another held the lock");
    lock.unlock().unwrap();
    let run = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    let said = format!(
        "note: another sitrep build (process {}) is writing",
        std::process::id()
    );
    assert!(err.contains(&said), "{err}");
    assert!(out.join("index.html").is_file());
}

#[test]
fn two_builds_at_once_end_with_one_complete_site() {
    let site = site(60);
    set_title(site.path(), "Weekly");
    let scratch = TempDir::new().unwrap();
    let expected = build(site.path(), &scratch.path().join("expected"));
    let out = scratch.path().join("public");
    for round in 0..5 {
        if round % 2 == 1 {
            std::fs::remove_dir_all(&out).unwrap();
        }
        let (a, b) = (
            spawn_build(site.path(), &out),
            spawn_build(site.path(), &out),
        );
        for run in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
            let err = String::from_utf8_lossy(&run.stderr);
            assert!(run.status.success(), "round {round}: {err}");
            assert!(
                err.is_empty() || err.contains("is writing"),
                "round {round}: {err}"
            );
        }
        assert_same_files(&snapshot(&out), &expected, "after two builds at once");
    }
}

/// Runs `sitrep build` as an unprivileged user when the tests run as root, so that a
/// folder it does not own is really unwritable.
#[test]
fn an_unwritable_folder_in_the_output_is_refused_before_anything_changes() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let site = site(3);
    set_title(site.path(), "Weekly");
    let out = site.path().join("public");
    build(site.path(), &out);
    set_title(site.path(), "Weekly, renamed");
    let locked = out.join("issues");
    let root = std::fs::metadata(site.path()).unwrap().uid() == 0;
    let mut cmd;
    if root {
        // nobody owns the site; the subfolder stays root's (0755), so nobody cannot change it.
        let chown = |args: &[&str], path: &Path| {
            assert!(
                Command::new("chown")
                    .args(args)
                    .arg(path)
                    .status()
                    .unwrap()
                    .success()
            );
        };
        chown(&["-R", "65534:65534"], site.path());
        chown(&["-R", "0:0"], &locked);
        cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(binary());
    } else {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        cmd = Command::new(binary());
    }
    let before = snapshot(&out);
    let run = cmd
        .arg("build")
        .arg("--root")
        .arg(site.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    if !root {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(!run.status.success(), "{err}");
    assert!(err.starts_with("error: cannot replace"), "{err}");
    assert!(
        err.contains(&format!("{} is not writable", locked.display())),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert_same_files(&snapshot(&out), &before, "the output after the refusal");
}
