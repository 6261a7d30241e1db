//! Shared harness of `tests/cli.rs` and `tests/serve.rs`: run the real `sitrep`
//! binary in a temp dir, keep a `sitrep serve` process (killed on drop, even when
//! the test panics), poll with deadlines, and speak HTTP and SSE to the server.
//!
//! Every wait here is bounded: a helper polls until its condition holds or its
//! deadline passes, then panics saying what it waited for and what it saw last.

#![allow(dead_code)] // each test binary uses its own subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub mod browser;

/// The binary under test.
pub const SITREP: &str = env!("CARGO_BIN_EXE_sitrep");

/// How long a server gets to start, rebuild or answer (2 shared cores, others compiling).
pub const DEADLINE: Duration = Duration::from_secs(15);

/// Runs `sitrep ARGS` in `cwd` to completion.
pub fn sitrep(cwd: &Path, args: &[&str]) -> Output {
    Command::new(SITREP)
        .current_dir(cwd)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run the sitrep binary")
}

/// Like [`sitrep`], but panics with both streams unless it succeeds.
pub fn sitrep_ok(cwd: &Path, args: &[&str]) -> Output {
    let out = sitrep(cwd, args);
    assert!(
        out.status.success(),
        "sitrep {args:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        stdout(&out),
        stderr(&out)
    );
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh site made by `sitrep init` in its own temp dir.
pub struct InitSite {
    pub root: PathBuf,
    /// Owns the folder; it goes when the test ends.
    pub temp: TempDir,
}

impl InitSite {
    pub fn new() -> Self {
        let temp = TempDir::new().unwrap();
        let root = temp.path().join("site");
        sitrep_ok(temp.path(), &["init", root.to_str().unwrap()]);
        InitSite { root, temp }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Writes a file in place (truncate and write, as many editors save).
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Polls `check` every 50 ms until it returns `Ok`, or panics after `timeout`
/// with `what` and the last `Err` it gave.
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let start = Instant::now();
    loop {
        match check() {
            Ok(v) => return v,
            Err(last) if start.elapsed() >= timeout => {
                panic!("timed out after {timeout:?} waiting for {what}; last seen:\n{last}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Kills (SIGKILL) and reaps a child process when dropped, test passed or not.
pub struct ChildGuard(pub Child);

impl ChildGuard {
    pub fn id(&self) -> u32 {
        self.0.id()
    }

    /// Waits up to `timeout` for the process to exit by itself.
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return Some(status);
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Lines a child wrote to one of its streams, collected by a reader thread.
#[derive(Clone, Default)]
pub struct Lines {
    inner: Arc<Mutex<(Vec<String>, bool)>>,
}

impl Lines {
    fn collect(stream: impl Read + Send + 'static) -> (Self, JoinHandle<()>) {
        let lines = Lines::default();
        let sink = lines.clone();
        let handle = std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                sink.inner.lock().unwrap().0.push(line);
            }
            sink.inner.lock().unwrap().1 = true;
        });
        (lines, handle)
    }

    pub fn all(&self) -> Vec<String> {
        self.inner.lock().unwrap().0.clone()
    }

    pub fn text(&self) -> String {
        self.all().join("\n")
    }

    /// Whether the stream has ended (the process closed it or exited).
    pub fn closed(&self) -> bool {
        self.inner.lock().unwrap().1
    }

    /// The first line matching `pred`, waiting up to `timeout` for it.
    pub fn wait_line(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        wait_for(what, timeout, || {
            self.all()
                .into_iter()
                .find(|l| pred(l))
                .ok_or_else(|| self.text())
        })
    }

    /// Number of lines so far, to wait for lines after a point with [`Lines::wait_line_after`].
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap().0.len()
    }

    /// The first line at index `from` or later that matches `pred`.
    pub fn wait_line_after(
        &self,
        from: usize,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        wait_for(what, timeout, || {
            self.all()
                .into_iter()
                .skip(from)
                .find(|l| pred(l))
                .ok_or_else(|| self.text())
        })
    }
}

/// A running `sitrep serve --port 0`, killed when dropped.
pub struct Server {
    pub child: ChildGuard,
    /// `http://127.0.0.1:PORT/`, as the server printed it.
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    pub stdout: Lines,
    pub stderr: Lines,
}

impl Server {
    /// Starts `sitrep serve --root ROOT --port 0 EXTRA…` and waits for its `Serving … at URL` line.
    pub fn start(root: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(SITREP)
            .args(["serve", "--root", root.to_str().unwrap(), "--port", "0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start sitrep serve");
        let out: ChildStdout = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let child = ChildGuard(child);
        let (stdout, _) = Lines::collect(out);
        let (stderr, _) = Lines::collect(err);
        let line = wait_for(
            "sitrep serve to print `Serving … at URL`",
            DEADLINE,
            || {
                if let Some(l) = stdout.all().into_iter().find(|l| l.starts_with("Serving ")) {
                    return Ok(l);
                }
                Err(format!(
                    "stdout:\n{}\nstderr:\n{}",
                    stdout.text(),
                    stderr.text()
                ))
            },
        );
        let url = line
            .split(" at ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "unexpected URL {url:?} in {line:?}"
        );
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Server {
            child,
            url,
            addr,
            stdout,
            stderr,
        }
    }

    /// The absolute URL of a site path such as `issues/1/`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path.trim_start_matches('/'))
    }

    /// GET a site path through an HTTP client (no redirects followed).
    pub fn get(&self, path: &str) -> Response {
        get(&self.at(path))
    }

    /// Polls `path` until its body contains `needle` (status 200).
    pub fn wait_body_contains(&self, path: &str, needle: &str) -> Response {
        wait_for(
            &format!("GET {path} to contain {needle:?}"),
            DEADLINE,
            || {
                let r = self.get(path);
                if r.status == 200 && r.body.contains(needle) {
                    Ok(r)
                } else {
                    Err(format!("status {}, body:\n{}", r.status, r.body))
                }
            },
        )
    }

    /// The server's output so far, for assertion messages.
    pub fn logs(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout.text(),
            self.stderr.text()
        )
    }
}

/// An HTTP response, read whole.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// GET `url` with ureq, following no redirects and treating no status as an error.
pub fn get(url: &str) -> Response {
    try_get(url).unwrap_or_else(|e| panic!("{e}"))
}

/// Like [`get`], but a failure to connect or read is an `Err` describing it.
pub fn try_get(url: &str) -> Result<Response, String> {
    let mut resp = agent()
        .get(url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("GET {url}: reading the body: {e}"))?;
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Sends `GET TARGET HTTP/1.1` byte for byte over a raw socket (no client can
/// normalise `..` away) and returns the status and everything after the head.
pub fn raw_get(addr: &str, target: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("raw GET {target}: {e}"));
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("raw GET {target}: no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// A subscription to a server-sent event stream, read by a background thread
/// (which ends when the server closes the connection or dies).
pub struct EventStream {
    rx: mpsc::Receiver<SseEvent>,
    seen: Vec<SseEvent>,
}

impl EventStream {
    pub fn connect(url: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .build()
            .into();
        let resp = agent
            .get(url)
            .header("Accept", "text/event-stream")
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(resp.status().as_u16(), 200, "GET {url}");
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{url} content type: {content_type:?}"
        );
        let (tx, rx) = mpsc::channel();
        let reader = BufReader::new(resp.into_body().into_reader());
        std::thread::spawn(move || {
            let (mut event, mut data) = (String::new(), Vec::<String>::new());
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if line.is_empty() {
                    if !data.is_empty() || !event.is_empty() {
                        let e = SseEvent {
                            event: std::mem::take(&mut event),
                            data: std::mem::take(&mut data).join("\n"),
                        };
                        if tx.send(e).is_err() {
                            break;
                        }
                    }
                } else if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim_start().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
                } // comments (keep-alives) and other fields are ignored
            }
        });
        EventStream {
            rx,
            seen: Vec::new(),
        }
    }

    /// The next event for which `pred` holds, skipping others, within `timeout`.
    pub fn wait(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&SseEvent) -> bool,
    ) -> SseEvent {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push(e.clone());
                    if pred(&e) {
                        return e;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!(
                        "timed out after {timeout:?} waiting for {what}; events seen: {:#?}",
                        self.seen
                    )
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!(
                        "event stream closed while waiting for {what}; events seen: {:#?}",
                        self.seen
                    )
                }
            }
        }
    }
}

/// Every file under `dir` whose name ends with `suffix`.
pub fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The front matter of a Markdown file (between the `+++` lines), parsed as TOML.
pub fn front_matter(text: &str) -> toml::Table {
    let rest = text
        .strip_prefix("+++\n")
        .unwrap_or_else(|| panic!("no opening +++ in:\n{text}"));
    let end = rest
        .find("\n+++")
        .unwrap_or_else(|| panic!("no closing +++ in:\n{text}"));
    rest[..=end]
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("front matter is not TOML: {e}\n{text}"))
}
