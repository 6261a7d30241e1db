//! Headless Chromium through chromedriver (WebDriver), driven by fantoccini: the
//! browser `tests/serve.rs` (live reload) and `tests/search.rs` (search) drive.

use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long the browser gets to show a change (reload or overlay).
pub const BROWSER_DEADLINE: Duration = Duration::from_secs(15);

/// chromedriver and every browser process it started, killed on drop.
pub struct Browser {
    driver: super::ChildGuard,
    /// The unique `--user-data-dir`, which names every Chromium process of this test.
    profile: std::path::PathBuf,
    url: String,
}

impl Browser {
    /// Starts chromedriver on a free port and waits until it is ready.
    pub fn start(dir: &std::path::Path) -> Self {
        use std::os::unix::process::CommandExt;
        let profile = dir.join("chromium-profile");
        std::fs::create_dir_all(&profile).unwrap();
        let mut last = String::new();
        for _attempt in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = std::process::Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg(format!(
                    "--log-path={}",
                    dir.join("chromedriver.log").display()
                ))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .process_group(0) // so that drop can kill it with everything it started
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
            let mut browser = Browser {
                driver: super::ChildGuard(child),
                profile: profile.clone(),
                url: format!("http://127.0.0.1:{port}"),
            };
            let start = Instant::now();
            loop {
                if let Ok(Some(status)) = browser.driver.0.try_wait() {
                    last = format!("chromedriver exited with {status}");
                    break;
                }
                match super::try_get(&format!("{}/status", browser.url)) {
                    Ok(r)
                        if serde_json::from_str::<serde_json::Value>(&r.body)
                            .is_ok_and(|v| v["value"]["ready"] == true) =>
                    {
                        return browser;
                    }
                    Ok(r) => last = r.body,
                    Err(e) => last = e,
                }
                if start.elapsed() > Duration::from_secs(20) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("chromedriver did not become ready: {last}");
    }

    /// Opens a WebDriver session on headless Chromium.
    pub async fn session(&self) -> fantoccini::Client {
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-extensions".into(),
            "--window-size=1200,900".into(),
            format!("--user-data-dir={}", self.profile.display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": CHROMIUM, "args": args }),
        );
        let mut builder = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        );
        let connect = builder.capabilities(caps).connect(&self.url);
        match tokio::time::timeout(Duration::from_secs(60), connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!("cannot start a Chromium session: {e}"),
            Err(_) => panic!("no Chromium session after 60 s"),
        }
    }

    /// The pids of Chromium processes started with this test's profile.
    fn chromium_pids(&self) -> Vec<libc::pid_t> {
        let needle = self.profile.to_string_lossy().into_owned();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<libc::pid_t>().ok())
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains(&needle))
            })
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver leads its own process group, which its browsers join; any
        // browser process that left it is found by its unique profile folder.
        let group = libc::pid_t::try_from(self.driver.id()).unwrap();
        // SAFETY: kill(2) with plain integers; the group and pids are ours.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        for pid in self.chromium_pids() {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        // The guard in `driver` reaps chromedriver itself.
    }
}

/// Runs `script` (a function body) in the page; errors (e.g. mid-reload) are `None`.
pub async fn eval(client: &fantoccini::Client, script: &str) -> Option<serde_json::Value> {
    client.execute(script, Vec::new()).await.ok()
}

/// Polls the page until `check` on `script`'s result holds, within `timeout`.
pub async fn poll_page(
    client: &fantoccini::Client,
    what: &str,
    timeout: Duration,
    script: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let start = Instant::now();
    let mut last = None;
    loop {
        if let Some(v) = eval(client, script).await {
            if check(&v) {
                return v;
            }
            last = Some(v);
        }
        if start.elapsed() >= timeout {
            let body = eval(client, "return document.documentElement.outerHTML").await;
            panic!(
                "timed out after {timeout:?} waiting for {what}; last result: {last:?}\npage: {body:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub const BODY_TEXT: &str = "return document.body ? document.body.innerText : ''";
pub const OVERLAY_TEXT: &str =
    "const o = document.getElementById('sitrep-error-overlay'); return o ? o.innerText : null;";

pub fn browser_tools_present() -> bool {
    if std::env::var_os("SITREP_SKIP_BROWSER_TESTS").is_some_and(|v| v == "1") {
        eprintln!("SITREP_SKIP_BROWSER_TESTS=1: skipping the headless Chromium test");
        return false;
    }
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !std::path::Path::new(p).is_file())
        .collect();
    if !missing.is_empty() {
        // One line, without a panic message and backtrace around it: `resume_unwind`
        // fails the test without running the panic hook.
        eprintln!(
            "browser test: missing {}; install with `apt-get install chromium chromium-driver`, \
             or set SITREP_SKIP_BROWSER_TESTS=1 to skip it",
            missing.join(" and ")
        );
        std::panic::resume_unwind(Box::new("Chromium is missing"));
    }
    true
}
