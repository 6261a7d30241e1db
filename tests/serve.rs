//! `sitrep serve` through the real binary: HTTP, path safety, rebuilds, the SSE
//! stream, Ctrl-C, and live reload and the error overlay in headless Chromium.
//!
//! Every server listens on `--port 0` and is found through the URL it prints;
//! every process is killed when its guard drops; every wait has a deadline.

mod support;

use std::time::{Duration, Instant};

use support::{DEADLINE, EventStream, InitSite, Server, raw_get, sitrep_ok};

const FIRST_TITLE: &str = "Welcome to the first issue";
const ISSUE: &str = "content/issues/1.md";

/// The scaffold's first issue with its title replaced.
fn retitled(site: &InitSite, title: &str) -> String {
    let text = scaffold_issue(site);
    let line = format!("title = \"{FIRST_TITLE}\"");
    assert!(
        text.contains(&line),
        "the scaffold's first issue changed:\n{text}"
    );
    text.replacen(&line, &format!("title = \"{title}\""), 1)
}

/// The first issue as `sitrep init` wrote it (kept beside the site on first use).
fn scaffold_issue(site: &InitSite) -> String {
    let keep = site.temp.path().join("scaffold-1.md");
    if !keep.exists() {
        std::fs::copy(site.path(ISSUE), &keep).unwrap();
    }
    std::fs::read_to_string(keep).unwrap()
}

/// `text` with the issue number made a string: a type error on the `number` line.
fn broken(text: &str) -> (String, usize) {
    assert!(
        text.contains("\nnumber = 1\n"),
        "no `number = 1` line in:\n{text}"
    );
    let line = text.lines().position(|l| l == "number = 1").unwrap() + 1;
    (
        text.replacen("\nnumber = 1\n", "\nnumber = \"x\"\n", 1),
        line,
    )
}

#[test]
fn serve_answers_pages_redirects_feeds_and_404s() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);

    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", server.logs());
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains(FIRST_TITLE), "{}", home.body);
    assert!(
        home.body
            .contains("<script src=\"/__sitrep/live.js\" data-generation=\"1\"></script></body>"),
        "no live-reload script before </body>:\n{}",
        home.body
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));

    let js = server.get("/__sitrep/live.js");
    assert_eq!(js.status, 200);
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(js.body.contains("EventSource(\"/__sitrep/events\")"));

    let redirect = server.get("/issues/1");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/issues/1/"));
    let issue = server.get("/issues/1/");
    assert_eq!(issue.status, 200);
    assert!(issue.body.contains(FIRST_TITLE));
    assert!(issue.body.contains("/__sitrep/live.js"));
    assert_eq!(server.get("/issues/1/index.html").body, issue.body);

    for feed in ["/rss.xml", "/atom.xml", "/sitemap.xml"] {
        let r = server.get(feed);
        assert_eq!(r.status, 200, "{feed}");
        let ct = r.header("content-type").unwrap_or_default();
        assert!(ct.contains("xml"), "{feed} is served as {ct:?}");
        assert!(r.body.starts_with("<?xml"), "{feed}: {}", r.body);
        assert!(
            !r.body.contains("__sitrep"),
            "a script was injected into {feed}"
        );
    }
    let rss = server.get("/rss.xml").body;
    assert!(
        rss.contains(&server.at("issues/1/")),
        "feed links do not use the server's address:\n{rss}"
    );
    let json = server.get("/feed.json");
    assert!(
        json.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    serde_json::from_str::<serde_json::Value>(&json.body).expect("feed.json is JSON");

    for missing in [
        "/no/such/page",
        "/issues/99/",
        "/rss.xml/",
        "/.sitrep-manifest",
    ] {
        let r = server.get(missing);
        assert_eq!(r.status, 404, "{missing}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(
            r.body.contains("Page not found") && r.body.contains("My Reliability Weekly"),
            "{missing} is not the site's 404 page:\n{}",
            r.body
        );
    }
}

fn assert_not_leaked(server: &Server, target: &str, r: &support::Response) {
    assert!(
        !r.body.contains("root:"),
        "{target} returned /etc/passwd (status {}):\n{}",
        r.status,
        r.body
    );
    match r.status {
        400 | 404 => {}
        301 => {
            let location = r.header("location").unwrap_or_default();
            assert!(
                location.starts_with('/')
                    && !location.starts_with("//")
                    && !location.contains(".."),
                "{target} redirects off the site, to {location:?}"
            );
        }
        s => panic!(
            "{target}: unexpected status {s}:\n{}\n{}",
            r.body,
            server.logs()
        ),
    }
}

#[test]
fn serve_never_serves_files_outside_the_site() {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    assert!(
        passwd.contains("root:"),
        "this test needs an /etc/passwd with a root: line"
    );
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    let targets = [
        "/../../etc/passwd",
        "/../../../../../../../../etc/passwd",
        "/issues/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/.%2e/etc/passwd",
        "/issues/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/%5c..%5c..%5c..%5cetc%5cpasswd",
        "/..%5c..%5c..%5cetc/passwd",
        "/issues%5c..%5c..%5c..%5cetc%5cpasswd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/..%00/etc/passwd",
        "/etc/passwd",
        "//etc/passwd",
        "///../../etc/passwd",
        "/..\\..\\..\\etc\\passwd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    ];
    for target in targets {
        let r = raw_get(&server.addr, target);
        assert_not_leaked(&server, target, &r);
    }
    // The absolute form of the request target, too.
    let absolute = format!("http://{}/%2e%2e/%2e%2e/etc/passwd", server.addr);
    assert_not_leaked(&server, &absolute, &raw_get(&server.addr, &absolute));
    // The server is still fine afterwards.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn serve_redirects_stay_on_the_site() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    for target in ["//issues/1", "//issues//1", "/./issues/1", "/issues/./1"] {
        let r = raw_get(&server.addr, target);
        assert_eq!(r.status, 301, "{target}");
        assert_eq!(r.header("location"), Some("/issues/1/"), "{target}");
    }
}

#[test]
fn symlinks_in_static_out_of_the_site_are_refused_never_served_nor_built() {
    let site = InitSite::new();
    site.write("static/real.txt", "hello from static\n");
    std::os::unix::fs::symlink("/etc/passwd", site.path("static/passwd")).unwrap();
    std::os::unix::fs::symlink("/etc", site.path("static/etc")).unwrap();

    // serve does not build such a site: it names each link, and serves none of it.
    let server = Server::start(&site.root, &[]);
    for target in ["/passwd", "/etc/passwd", "/etc/"] {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target} served through a symlink");
        assert!(!r.body.contains("root:"), "{target}");
    }
    let logs = server.logs();
    for link in ["static/passwd", "static/etc"] {
        assert!(logs.contains(link), "{link} not named in:\n{logs}");
    }
    assert!(logs.contains("points outside the site"), "{logs}");
    assert!(!logs.contains("root:"), "a target was read:\n{logs}");
    drop(server);

    // Nor does build, and nothing is copied.
    let out = support::sitrep(&site.root, &["build"]);
    assert!(!out.status.success(), "{}", support::stdout(&out));
    let err = support::stderr(&out);
    assert!(
        err.contains("static/passwd") && err.contains("static/etc"),
        "{err}"
    );
    let public = site.path("public");
    for name in ["passwd", "etc"] {
        assert!(
            std::fs::symlink_metadata(public.join(name)).is_err(),
            "build copied the symlink static/{name}"
        );
    }

    // Without them the site builds and serves its own static files.
    std::fs::remove_file(site.path("static/passwd")).unwrap();
    std::fs::remove_file(site.path("static/etc")).unwrap();
    let server = Server::start(&site.root, &[]);
    let real = server.wait_body_contains("/real.txt", "hello from static");
    assert!(
        real.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
}

#[test]
fn serve_rebuilds_on_save_and_streams_build_results() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    let mut events = EventStream::connect(&server.at("__sitrep/events"));
    let first = events.wait("the current build", DEADLINE, |_| true);
    assert_eq!((first.event.as_str(), first.data.as_str()), ("built", "1"));

    // A good change: the page changes, the log names the file, browsers hear of it.
    let mark = server.stdout.len();
    site.write(ISSUE, &retitled(&site, "Saved and rebuilt"));
    let page = server.wait_body_contains("/issues/1/", "Saved and rebuilt");
    assert!(!page.body.contains(FIRST_TITLE));
    let line = server
        .stdout
        .wait_line_after(mark, "a `Rebuilt in` line", DEADLINE, |l| {
            l.starts_with("Rebuilt in ")
        });
    assert!(
        line.contains("content/issues/1.md"),
        "the rebuild line does not name the file: {line:?}"
    );
    let built = events.wait("a `built` event", DEADLINE, |e| e.event == "built");
    let generation: u64 = built.data.parse().unwrap();
    assert!(generation >= 2, "{built:?}");
    let page = server.wait_body_contains("/issues/1/", "Saved and rebuilt");
    assert!(
        !page.body.contains("data-generation=\"1\""),
        "the page still says generation 1"
    );

    // A broken change: the last good page stays, browsers get the located error.
    let (text, line_no) = broken(&retitled(&site, "Never shown"));
    site.write(ISSUE, &text);
    let failed = events.wait("a `failed` event naming 1.md", DEADLINE, |e| {
        e.event == "failed" && e.data.contains("1.md")
    });
    let message = serde_json::from_str::<serde_json::Value>(&failed.data)
        .unwrap_or_else(|e| panic!("failed event data is not JSON ({e}): {}", failed.data))["message"]
        .as_str()
        .expect("failed event has a message")
        .to_string();
    assert!(
        message.contains(&format!("content/issues/1.md:{line_no}:")),
        "the message does not name the file and line {line_no}:\n{message}"
    );
    assert!(message.contains("number"), "{message}");
    server
        .stderr
        .wait_line("the rebuild failure on stderr", DEADLINE, |l| {
            l.starts_with("Rebuild failed") && l.contains("content/issues/1.md")
        });
    let page = server.get("/issues/1/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Saved and rebuilt") && !page.body.contains("Never shown"));
    // A browser that connects now learns of the failure at once.
    let mut late = EventStream::connect(&server.at("__sitrep/events"));
    let now = late.wait("the current state", DEADLINE, |_| true);
    assert_eq!(now.event, "failed", "{now:?}");

    // Fixed again: a new generation, and the new text is served.
    site.write(ISSUE, &retitled(&site, "Fixed again"));
    let built = events.wait("a `built` event after the fix", DEADLINE, |e| {
        e.event == "built"
    });
    assert!(built.data.parse::<u64>().unwrap() > generation, "{built:?}");
    late.wait("a `built` event after the fix", DEADLINE, |e| {
        e.event == "built"
    });
    server.wait_body_contains("/issues/1/", "Fixed again");

    // serve works in memory: it never writes the output folder.
    assert!(!site.path("public").exists(), "serve wrote public/");
}

#[test]
fn serve_shows_an_error_page_until_a_broken_site_builds() {
    let site = InitSite::new();
    let (text, _) = broken(&scaffold_issue(&site));
    site.write(ISSUE, &text);
    let server = Server::start(&site.root, &[]);
    server
        .stderr
        .wait_line("the build error", DEADLINE, |l| l.contains("1.md"));
    let r = server.get("/");
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("/__sitrep/live.js"),
        "the error page has no live-reload script"
    );
    let mut events = EventStream::connect(&server.at("__sitrep/events"));
    let first = events.wait("the current state", DEADLINE, |_| true);
    assert_eq!(first.event, "failed", "{first:?}");

    site.write(ISSUE, &retitled(&site, "Builds now"));
    events.wait("a `built` event", DEADLINE, |e| e.event == "built");
    server.wait_body_contains("/", "Builds now");
}

#[test]
fn serve_rebuilds_after_atomic_saves_config_changes_and_deletions() {
    let site = InitSite::new();
    site.write(
        "content/issues/2.md",
        "+++\nnumber = 2\ndate = 2026-01-11\ntitle = \"Second\"\n+++\n\nBody.\n",
    );
    let server = Server::start(&site.root, &[]);
    server.wait_body_contains("/issues/2/", "Second");

    // An editor that writes a temp file beside the original and renames it over.
    let temp = site.path("content/issues/.1.md.tmp-save");
    std::fs::write(&temp, retitled(&site, "Renamed into place")).unwrap();
    std::fs::rename(&temp, site.path(ISSUE)).unwrap();
    server.wait_body_contains("/issues/1/", "Renamed into place");

    let config = site.read("config.toml");
    let title = "title = \"My Reliability Weekly\"";
    assert!(
        config.contains(title),
        "the scaffold config changed:\n{config}"
    );
    site.write(
        "config.toml",
        &config.replacen(title, "title = \"Renamed Weekly\"", 1),
    );
    server.wait_body_contains("/", "Renamed Weekly");

    std::fs::remove_file(site.path("content/issues/2.md")).unwrap();
    support::wait_for("/issues/2/ to be gone", DEADLINE, || {
        let r = server.get("/issues/2/");
        if r.status == 404 {
            Ok(())
        } else {
            Err(format!("status {}", r.status))
        }
    });
}

#[test]
fn serve_reports_a_port_in_use() {
    let site = InitSite::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut child = support::ChildGuard(
        std::process::Command::new(support::SITREP)
            .args([
                "serve",
                "--root",
                site.root.to_str().unwrap(),
                "--port",
                &port,
            ])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let status = child
        .wait_timeout(DEADLINE)
        .expect("serve did not give up on a port in use");
    assert!(!status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(child.0.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains(&port) && err.contains("--port"), "{err}");
}

#[test]
fn serve_includes_drafts_unless_told_not_to() {
    let site = InitSite::new();
    sitrep_ok(&site.root, &["new", "--title", "Draft in progress"]);
    let with = Server::start(&site.root, &[]);
    with.wait_body_contains("/issues/2/", "Draft in progress");
    let without = Server::start(&site.root, &["--no-drafts"]);
    assert_eq!(without.get("/issues/2/").status, 404);
    assert_eq!(without.get("/issues/1/").status, 200);
}

#[test]
fn serve_poll_mode_rebuilds_on_save() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &["--poll"]);
    server.wait_body_contains("/issues/1/", FIRST_TITLE);
    site.write(ISSUE, &retitled(&site, "Seen by polling"));
    server.wait_body_contains("/issues/1/", "Seen by polling");
}

#[test]
fn serve_watches_source_folders_created_after_it_started() {
    let site = InitSite::new();
    assert!(!site.path("static").exists());
    let server = Server::start(&site.root, &[]);
    site.write("static/notes.txt", "first\n");
    server.wait_body_contains("/notes.txt", "first");
    site.write("static/notes.txt", "second\n");
    server.wait_body_contains("/notes.txt", "second");
}

#[test]
fn build_output_never_contains_the_live_reload_script() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    assert!(server.get("/").body.contains("/__sitrep/live.js"));
    sitrep_ok(&site.root, &["build"]);
    drop(server);
    let html = support::files_with_suffix(&site.path("public"), ".html");
    assert!(html.len() >= 5, "too few pages built: {html:?}");
    for path in support::files_with_suffix(&site.path("public"), "") {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__sitrep"),
            "{} mentions __sitrep",
            path.display()
        );
    }
}

fn interrupt(server: &Server) {
    let pid = libc::pid_t::try_from(server.child.id()).unwrap();
    // SAFETY: kill(2) on the pid of a child we spawned and have not reaped.
    let rc = unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(
        rc,
        0,
        "kill -INT {pid}: {}",
        std::io::Error::last_os_error()
    );
}

/// Sends Ctrl-C and checks the server says `Stopped.` and exits 0 within 5 s.
fn assert_stops_on_ctrl_c(mut server: Server) {
    let start = Instant::now();
    interrupt(&server);
    let status = server
        .child
        .wait_timeout(Duration::from_secs(5))
        .unwrap_or_else(|| panic!("serve still running 5 s after SIGINT\n{}", server.logs()));
    let took = start.elapsed();
    assert!(
        status.success(),
        "serve exited with {status} after SIGINT\n{}",
        server.logs()
    );
    support::wait_for("serve's stdout to close", DEADLINE, || {
        if server.stdout.closed() {
            Ok(())
        } else {
            Err(server.stdout.text())
        }
    });
    assert!(
        server.stdout.all().iter().any(|l| l == "Stopped."),
        "no `Stopped.` line after SIGINT (exited in {took:?}):\n{}",
        server.logs()
    );
}

#[test]
fn ctrl_c_stops_the_server() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    assert_eq!(server.get("/").status, 200);
    assert_stops_on_ctrl_c(server);
}

#[test]
fn ctrl_c_stops_the_server_while_a_browser_listens_for_reloads() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    // Every open page holds an event stream, which never ends by itself.
    let mut events = EventStream::connect(&server.at("__sitrep/events"));
    events.wait("the current build", DEADLINE, |e| e.event == "built");
    assert_stops_on_ctrl_c(server);
}

use support::browser::{
    BODY_TEXT, BROWSER_DEADLINE, Browser, OVERLAY_TEXT, browser_tools_present, eval, poll_page,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_reloads_on_save_and_shows_build_errors_over_the_page() {
    if !browser_tools_present() {
        return;
    }
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    let browser = Browser::start(site.temp.path());
    let client = browser.session().await;

    client
        .goto(&server.at("issues/1/"))
        .await
        .expect("cannot open the issue page");
    poll_page(
        &client,
        "the first issue",
        BROWSER_DEADLINE,
        BODY_TEXT,
        |v| v.as_str().is_some_and(|t| t.contains(FIRST_TITLE)),
    )
    .await;
    // Mark this page load: a reload replaces `window`, and with it the mark.
    eval(&client, "window.sitrepTestMark = 'first load'; return null").await;

    // Save a change and do nothing in the browser: live reload must show it.
    site.write(ISSUE, &retitled(&site, "Reloaded by itself"));
    poll_page(
        &client,
        "the page to reload with the new title",
        BROWSER_DEADLINE,
        BODY_TEXT,
        |v| v.as_str().is_some_and(|t| t.contains("Reloaded by itself")),
    )
    .await;
    let mark = eval(&client, "return window.sitrepTestMark || null").await;
    assert_eq!(
        mark,
        Some(serde_json::Value::Null),
        "the new text came without a reload"
    );
    assert_eq!(
        client.current_url().await.unwrap().as_str(),
        server.at("issues/1/"),
        "the reload changed the address"
    );

    // Break the file: the overlay names the file and the line, over the last good page.
    let (text, line) = broken(&retitled(&site, "Never shown"));
    site.write(ISSUE, &text);
    let location = format!("1.md:{line}:");
    let overlay = poll_page(
        &client,
        "the error overlay",
        BROWSER_DEADLINE,
        OVERLAY_TEXT,
        |v| v.as_str().is_some_and(|t| t.contains(&location)),
    )
    .await;
    let overlay = overlay.as_str().unwrap();
    assert!(overlay.contains("rebuild failed"), "{overlay}");
    assert!(overlay.contains("number"), "{overlay}");
    let body = eval(&client, BODY_TEXT).await.unwrap();
    let body = body.as_str().unwrap();
    assert!(
        body.contains("Reloaded by itself") && !body.contains("Never shown"),
        "{body}"
    );

    // Fix it: the overlay goes and the fixed page shows.
    site.write(ISSUE, &retitled(&site, "Fixed in the browser"));
    poll_page(
        &client,
        "the fixed page without the overlay",
        BROWSER_DEADLINE,
        "return [document.getElementById('sitrep-error-overlay') === null, document.body.innerText]",
        |v| {
            v[0].as_bool() == Some(true)
                && v[1].as_str().is_some_and(|t| t.contains("Fixed in the browser"))
        },
    )
    .await;

    let _ = client.close().await;
    drop(browser);
    drop(server);
}

/// `Rebuilt in` lines after stdout position `mark`.
fn rebuilds_after(server: &Server, mark: usize) -> usize {
    let lines = server.stdout.all();
    let new = lines.get(mark..).unwrap_or_default();
    new.iter().filter(|l| l.starts_with("Rebuilt in ")).count()
}

#[test]
fn a_burst_of_saves_is_one_rebuild_and_a_steady_stream_still_rebuilds() {
    let site = InitSite::new();
    let server = Server::start(&site.root, &[]);
    server.wait_body_contains("/issues/1/", FIRST_TITLE);

    // 50 saves within one second: a rebuild or two, not dozens.
    let mark = server.stdout.len();
    for i in 0..50 {
        site.write(ISSUE, &retitled(&site, &format!("Burst save {i}")));
        std::thread::sleep(Duration::from_millis(20));
    }
    server.wait_body_contains("/issues/1/", "Burst save 49");
    std::thread::sleep(Duration::from_millis(800)); // any late rebuild is logged by now
    let burst = rebuilds_after(&server, mark);
    assert!(
        (1..=3).contains(&burst),
        "{burst} rebuilds for one burst of 50 saves"
    );

    // A save every 50 ms for two seconds: rebuilds keep coming (about every 500 ms).
    let mark = server.stdout.len();
    let start = Instant::now();
    let mut i = 0;
    while start.elapsed() < Duration::from_secs(2) {
        site.write(ISSUE, &retitled(&site, &format!("Stream save {i}")));
        i += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    let during = rebuilds_after(&server, mark);
    assert!(
        during >= 2,
        "only {during} rebuilds during two seconds of saves"
    );
    server.wait_body_contains("/issues/1/", &format!("Stream save {}", i - 1));
}
