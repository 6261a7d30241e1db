//! The email edition (`sitrep email`), read back as a mail client would: the `.eml`
//! through a real MIME parser (mail-parser), the HTML part through an HTML parser, and a
//! test send through a real SMTP server on 127.0.0.1 (Python's aiosmtpd).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mail_parser::{MessageParser, MimeHeaders};
use sitrep::BuildOptions;
use sitrep::email::{Edition, Which};

use crate::support::{SiteTest, repo};

fn load(root: &Path) -> sitrep::Site {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    sitrep::load(&opts).unwrap_or_else(|e| panic!("{e}"))
}

fn edition(root: &Path, which: Which) -> Edition {
    sitrep::email::edition(&load(root), which).unwrap_or_else(|e| panic!("{e}"))
}

/// The `.eml`'s (subject, text part, HTML part), as a MIME parser reads them.
fn parts(eml: &[u8]) -> (String, String, String) {
    let message = MessageParser::default().parse(eml).expect("a MIME message");
    let ct = message.content_type().expect("a Content-Type");
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
    (
        message.subject().unwrap_or_default().to_string(),
        // Lines end in CRLF on the wire (RFC 5322), LF in a saved mailbox.
        message
            .body_text(0)
            .expect("a text part")
            .replace("\r\n", "\n"),
        message
            .body_html(0)
            .expect("an HTML part")
            .replace("\r\n", "\n"),
    )
}

#[test]
fn every_example_issue_becomes_a_two_part_message_with_inline_styles_and_absolute_urls() {
    let site = load(&repo());
    for issue in &site.issues {
        let edition = sitrep::email::edition(&site, Which::Number(issue.number)).unwrap();
        let (subject, text, html) = parts(edition.eml.as_deref().expect("an .eml"));
        assert_eq!(subject, issue.title);
        assert_eq!(html, edition.html, "the HTML part is the .html file");
        assert_eq!(text, edition.text, "the text part is the .txt file");
        assert!(
            html.len() < sitrep::email::GMAIL_CLIP_BYTES,
            "#{}: {} B",
            issue.number,
            html.len()
        );

        let doc = scraper::Html::parse_document(&html);
        let sel = |css: &str| scraper::Selector::parse(css).unwrap();
        assert_eq!(
            doc.select(&sel("style, link, script")).count(),
            0,
            "#{}",
            issue.number
        );
        for el in doc.select(&sel("[href], [src]")) {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            assert!(
                url.starts_with("https://")
                    || url.starts_with("http://")
                    || url.starts_with("mailto:"),
                "#{}: relative URL {url}",
                issue.number
            );
        }
        // Styling rides on style attributes, never on a class.
        for el in doc.select(&sel("[class]")) {
            if el.value().attr("class").unwrap().starts_with("hl-") {
                assert!(
                    el.value().attr("style").is_some(),
                    "#{}: unstyled {:?}",
                    issue.number,
                    el.value()
                );
            }
        }
        let wrap = doc.select(&sel("div")).next().unwrap();
        assert!(
            wrap.value()
                .attr("style")
                .unwrap()
                .contains("max-width: 600px")
        );
        let body_text: String = doc.root_element().text().collect();
        // Words as a reader sees them, whatever the line breaks.
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (body_text, flat) = (words(&body_text), words(&text));
        for link in &issue.links {
            let title = sitrep::markdown::smart_punctuation(&link.title);
            let title = words(&title);
            assert!(
                body_text.contains(&title),
                "#{}: {title} not in HTML",
                issue.number
            );
            assert!(
                flat.contains(&title) && text.contains(&link.url),
                "#{}: {title} not in text",
                issue.number
            );
            if let Some(source) = &link.source {
                assert!(body_text.contains(source.as_str()) && flat.contains(source.as_str()));
            }
        }
        for outage in &issue.outages {
            assert!(body_text.contains(&outage.service) && flat.contains(&outage.service));
        }
        for line in text.lines() {
            let long = unicode_width::UnicodeWidthStr::width(line) > 72;
            // Only a word longer than a line (a URL, a table html2text drew) may stick out.
            let one_word = !line.trim().contains(' ') || line.contains('│') || line.contains('─');
            assert!(
                !long || one_word,
                "#{}: over 72 columns: {line}",
                issue.number
            );
        }
        assert!(html.contains(&format!("https://example.org/issues/{}/", issue.number)));
    }
}

#[test]
fn highlighted_code_keeps_its_colours_inline() {
    let html = edition(&repo(), Which::Number(45)).html;
    let doc = scraper::Html::parse_document(&html);
    let spans = scraper::Selector::parse("pre span[style*=color]").unwrap();
    assert!(
        doc.select(&spans).count() > 0,
        "no coloured code in the email"
    );
}

const CONFIG: &str = "title = \"Trap <b>&</b> Weekly\"\nbase_url = \"https://trap.example/news/\"\n\n[email]\nfrom = \"Trap Weekly <ed@trap.example>\"\nunsubscribe = \"*|UNSUB|*\"\n";
const TRAP: &str = "+++\nnumber = 3\ndate = 2025-02-02\ntitle = \"<script>alert(1)</script> & co\"\n\n[[links]]\ntitle = \"Why </h3><script>x()</script> breaks\"\nurl = \"https://example.com/a?b=1&c=2\"\nsource = \"Ann <Lee>\"\ncommentary = \"See [the about page](/about/) and [a note](#n).\"\n\n[[outages]]\nservice = \"<img src=x onerror=alert(1)>\"\n+++\n\nHello.\n";

#[test]
fn escaping_traps_stay_text_in_both_parts_and_the_merge_tag_is_kept() {
    let site = SiteTest::inline(&[("config.toml", CONFIG), ("content/issues/3.md", TRAP)]);
    let edition = edition(site.root(), Which::Latest);
    let (subject, text, html) = parts(edition.eml.as_deref().unwrap());
    assert_eq!(subject, "<script>alert(1)</script> & co");
    let doc = scraper::Html::parse_document(&html);
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    assert_eq!(doc.select(&sel("script, img")).count(), 0, "{html}");
    let h3: Vec<String> = doc
        .select(&sel("h3 a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(h3[0], "Why </h3><script>x()</script> breaks");
    assert!(text.contains("Why </h3><script>x()</script> breaks") && text.contains("Ann <Lee>"));
    assert!(
        text.contains("https://trap.example/about/") && !text.contains(" /about/"),
        "{text}"
    );
    // Relative links resolve against the issue's web page; the merge tag is verbatim.
    let hrefs: Vec<&str> = doc
        .select(&sel("a[href]"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert!(hrefs.contains(&"https://trap.example/about/"), "{hrefs:?}");
    assert!(
        hrefs.contains(&"https://trap.example/news/issues/3/#n"),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"*|UNSUB|*"), "{hrefs:?}");
    assert!(
        hrefs.contains(&"https://example.com/a?b=1&c=2"),
        "{hrefs:?}"
    );
    let message = MessageParser::default()
        .parse(edition.eml.as_deref().unwrap())
        .unwrap();
    let unsubscribe = message.header_raw("List-Unsubscribe").unwrap();
    assert_eq!(unsubscribe.trim(), "<*|UNSUB|*>");
}

fn sitrep(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn without_a_from_the_html_and_text_are_written_and_the_message_says_what_to_add() {
    let config = "title = \"T\"\nbase_url = \"https://t.example/\"\n";
    let site = SiteTest::inline(&[("config.toml", config), ("content/issues/3.md", TRAP)]);
    let root = site.root().to_str().unwrap();
    let run = sitrep(&["email", "--root", root]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("[email] from"), "{stdout}");
    let dir = site.root().join("email");
    assert!(dir.join("3.html").is_file() && dir.join("3.txt").is_file());
    assert!(!dir.join("3.eml").exists());
    assert!(
        !site.root().join("public").exists(),
        "email never builds the site"
    );

    let run = sitrep(&["email", "7", "--root", root]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr.contains("no issue #7") && stderr.contains("#3"),
        "{stderr}"
    );

    site.write("config.toml", &format!("{config}\n[email]\nfrm = \"x\"\n"));
    let run = sitrep(&["email", "--root", root]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr.contains("frm"), "{stderr}");
}

/// Python with aiosmtpd: scripts/test.sh's venv (or `SITREP_PYTHON`).
fn python() -> PathBuf {
    std::env::var_os("SITREP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/conformance-venv/bin/python"))
}

/// aiosmtpd on a free loopback port, saving each message it receives under `dir`.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.join("mbox"))
            .args(["-l", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "{}: {e}; run scripts/test.sh once to make the venv",
                    python().display()
                )
            });
        // Dropped (and so killed) on any panic below.
        let server = Server { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!(
            "aiosmtpd did not start on port {port} (is it installed in {}?)",
            python().display()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn send_test_delivers_the_message_to_a_real_smtp_server() {
    let mail = tempfile::TempDir::new().unwrap();
    let server = Server::start(mail.path());
    let config = format!("{CONFIG}smtp = \"127.0.0.1:{}\"\n", server.port);
    let site = SiteTest::inline(&[("config.toml", &config), ("content/issues/3.md", TRAP)]);
    let root = site.root().to_str().unwrap();
    let run = sitrep(&[
        "email",
        "3",
        "--root",
        root,
        "--send-test",
        "reader@trap.example",
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("sent to reader@trap.example") && stdout.contains("250"),
        "{stdout}"
    );

    let mbox = std::fs::read_dir(mail.path().join("mbox").join("new")).unwrap();
    let received: Vec<PathBuf> = mbox.map(|e| e.unwrap().path()).collect();
    assert_eq!(received.len(), 1);
    let got = std::fs::read(&received[0]).unwrap();
    let eml = std::fs::read(site.root().join("email/3.eml")).unwrap();
    let (got, want) = (parts(&got), parts(&eml));
    assert_eq!(got, want, "the received parts are the .eml's");
    let raw = std::fs::read(&received[0]).unwrap();
    let message = MessageParser::default().parse(&raw).unwrap();
    let to = message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap();
    assert_eq!(to, "reader@trap.example");
}

#[test]
fn a_refused_connection_is_one_clear_line_and_exit_status_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!("{CONFIG}smtp = \"127.0.0.1:{port}\"\n");
    let site = SiteTest::inline(&[("config.toml", &config), ("content/issues/3.md", TRAP)]);
    let run = sitrep(&[
        "email",
        "--root",
        site.root().to_str().unwrap(),
        "--send-test",
        "r@trap.example",
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}")) && stderr.contains("failed"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn a_login_never_goes_to_a_remote_server_in_clear_and_the_password_stays_in_the_environment() {
    let config = format!("{CONFIG}smtp = \"127.0.0.1:25\"\nsmtp_user = \"ed\"\n");
    let site = SiteTest::inline(&[("config.toml", &config), ("content/issues/3.md", TRAP)]);
    let run = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args([
            "email",
            "--root",
            site.root().to_str().unwrap(),
            "--send-test",
            "r@trap.example",
        ])
        .env_remove(sitrep::email::PASSWORD_VARIABLE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr.contains("SITREP_SMTP_PASSWORD"), "{stderr}");
}

#[test]
fn a_long_subject_and_a_clipped_html_part_are_warned_about() {
    let title =
        "A title that goes on and on about the week's outages until no mail client shows all of it";
    let long = "Long words here. ".repeat(7_000);
    let issue = format!("+++\nnumber = 1\ndate = 2025-01-06\ntitle = \"{title}\"\n+++\n\n{long}\n");
    let site = SiteTest::inline(&[("config.toml", CONFIG), ("content/issues/1.md", &issue)]);
    let clipped = edition(site.root(), Which::Number(1));
    assert!(clipped.html.len() > sitrep::email::GMAIL_CLIP_BYTES);
    let warnings = clipped.warnings.join("\n");
    assert!(
        warnings.contains("Gmail clips") && warnings.contains("subject"),
        "{warnings}"
    );

    let short = "+++\nnumber = 1\ndate = 2025-01-06\ntitle = \"Short\"\n+++\n\nHi.\n";
    site.write("content/issues/1.md", short);
    assert!(edition(site.root(), Which::Latest).warnings.is_empty());
}
