//! The `sitrep` command line: thin commands over the library's pipeline.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use sitrep::BuildOptions;

/// mimalloc instead of glibc malloc: rendering allocates many small strings from
/// every thread at once, and glibc spent a tenth of a build in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Seeds aHash's hash maps from a counter per thread instead of its default, one
/// atomic counter for the whole process. Tera builds a hash map for every struct it
/// turns into a template value (over a million in a 5,000-issue build), and the two
/// rendering threads contended for that counter's cache line (1 % of rendering's
/// samples). The maps' keys stay random per process (aHash's `runtime-rng`); these
/// seeds only make maps differ from each other, so any distinct values will do.
fn seed_hash_maps_per_thread() {
    struct PerThread;
    impl ahash::random_state::RandomSource for PerThread {
        fn gen_hasher_seed(&self) -> usize {
            thread_local! {
                static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
            }
            // The counter's own address differs between threads.
            NEXT.with(|next| {
                let seed = next.get().wrapping_add(next as *const _ as usize);
                next.set(next.get().wrapping_add(1));
                seed
            })
        }
    }
    // Fails only if a map was made before main, which would keep the default.
    let _ = ahash::random_state::set_random_source(PerThread);
}

#[derive(Parser)]
#[command(
    name = "sitrep",
    version,
    about = "A static site generator for SRE and operations newsletters"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder.
        #[arg(long, short, default_value = "public")]
        output: PathBuf,
        /// Write into a non-empty folder that sitrep did not create.
        #[arg(long)]
        force: bool,
    },
    /// Validate the whole site without writing anything; report every problem at once.
    ///
    /// Every issue is checked, drafts and scheduled ones included, since the issue being
    /// written is usually a draft (use --no-drafts to check only what is published).
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Leave drafts out, as `build` does without --drafts.
        #[arg(long, conflicts_with = "drafts")]
        no_drafts: bool,
        /// Treat warnings as errors (exit non-zero if there are any).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Serve the site locally, rebuild on every save, and reload open browser tabs.
    ///
    /// Drafts are included by default (use --no-drafts to preview the published site).
    /// The site is built in memory; nothing is written to the output folder.
    Serve {
        /// The site folder, holding config.toml and content/.
        #[arg(long, short, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0 picks a free one).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Leave drafts out.
        #[arg(long)]
        no_drafts: bool,
        /// Poll for changes instead of using OS notifications (network drives, WSL2, containers).
        #[arg(long)]
        poll: bool,
    },
    /// Create a new newsletter site in DIR (default: the current folder).
    Init {
        /// Folder to create the site in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Add the scaffold's files to a non-empty folder (existing files are never overwritten).
        #[arg(long)]
        force: bool,
    },
    /// Import an existing newsletter: a WordPress export or a full-content RSS/Atom feed.
    ///
    /// One issue file per published post, links, sponsors and outages as data; never
    /// overwrites a file. Use --dry-run to see the summary first.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Start the next issue: number = highest + 1, dated to the next publish_day, as a draft.
    New {
        /// The site folder, holding config.toml and content/.
        #[arg(long, short, default_value = ".")]
        root: PathBuf,
        /// Publication date, YYYY-MM-DD (default: the next `publish_day` from config.toml, or today).
        #[arg(long)]
        date: Option<jiff::civil::Date>,
        /// The issue's title.
        #[arg(long)]
        title: Option<String>,
    },
    /// Write an issue's email edition (HTML, plain text, .eml) and optionally send a test.
    ///
    /// The files go to email/ in the site folder (never into public/): NUMBER.html with
    /// every style inline, NUMBER.txt, and NUMBER.eml (needs `[email] from`) to open in a
    /// mail client or import into a mailer.
    Email {
        /// The issue's number, or `latest` (the newest published issue).
        #[arg(default_value = "latest")]
        issue: sitrep::email::Which,
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the files (default: email/ in the site folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also send the message to ADDRESS through `[email] smtp`.
        #[arg(long, value_name = "ADDRESS")]
        send_test: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportFrom {
    /// A WordPress export (Tools → Export), WXR 1.0–1.2.
    Wordpress {
        /// The export file.
        file: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
        /// Put the posts' categories and tags on every link and outage.
        #[arg(long)]
        tags_from_categories: bool,
    },
    /// An RSS 2.0 (content:encoded) or Atom feed with full content.
    Feed {
        /// The feed file.
        file: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
    },
}

#[derive(Args)]
struct ImportArgs {
    /// The site folder, holding config.toml and content/.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Print the summary only; write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, holding config.toml and content/.
    #[arg(long, short, default_value = ".")]
    root: PathBuf,
    /// Override config.toml's base_url (e.g. for a staging host).
    #[arg(long)]
    base_url: Option<String>,
    /// Include issues marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Include issues dated in the future (scheduled), as `publish_future = true` does.
    #[arg(long)]
    future: bool,
}

impl SiteArgs {
    fn options(self) -> BuildOptions {
        BuildOptions {
            root: self.root,
            base_url: self.base_url,
            drafts: self.drafts,
            future: self.future,
        }
    }
}

fn main() -> ExitCode {
    seed_hash_maps_per_thread();
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", e.report());
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode, sitrep::Error> {
    match command {
        Command::Build {
            site,
            output,
            force,
        } => {
            let start = Instant::now();
            let opts = site.options();
            let output = if output.is_relative() {
                opts.root.join(output)
            } else {
                output
            };
            let (site, report) = sitrep::build(&opts, &output, force)?;
            println!(
                "Built {} into {} in {} ms: {} files written, {} unchanged, {} removed",
                count(site.issues.len(), "issue"),
                output.display(),
                start.elapsed().as_millis(),
                report.written,
                report.unchanged,
                report.removed
            );
            if !site.drafts.is_empty() {
                let numbers: Vec<String> = site
                    .drafts
                    .iter()
                    .map(|i| format!("#{}", i.number))
                    .collect();
                println!(
                    "{} left out: {}; use --drafts to include {}",
                    count(site.drafts.len(), "draft"),
                    numbers.join(", "),
                    if site.drafts.len() == 1 { "it" } else { "them" }
                );
            }
            for issue in &site.scheduled {
                println!(
                    "issue #{} is scheduled for {}: left out, use --future to publish now",
                    issue.number,
                    issue
                        .publish_at
                        .to_zoned(site.config.time_zone())
                        .strftime("%Y-%m-%d %H:%M %Z")
                );
            }
            // The process ends here: freeing every issue, link and outage one by one
            // would only delay the exit.
            std::mem::forget(site);
        }
        Command::Check {
            site,
            no_drafts,
            deny_warnings,
        } => {
            let mut opts = site.options();
            opts.drafts = !no_drafts;
            // Scheduled issues are checked too: they are written, just not yet out.
            opts.future = true;
            return check(opts, deny_warnings);
        }
        Command::Serve {
            root,
            port,
            bind,
            open,
            no_drafts,
            poll,
        } => {
            let build = BuildOptions {
                root,
                base_url: None,
                drafts: !no_drafts,
                // serve previews what is scheduled too, marked as such.
                future: true,
            };
            let addr = std::net::SocketAddr::new(bind, port);
            sitrep::serve::serve(sitrep::serve::ServeOptions {
                build,
                addr,
                open,
                poll,
            })?;
        }
        Command::Init { dir, force } => {
            let written = sitrep::scaffold::init(&dir, force, today())?;
            for path in &written {
                println!("created {}", path.display());
            }
            println!("Next: cd {} && sitrep serve", dir.display());
        }
        Command::Email {
            issue,
            site,
            out,
            send_test,
        } => email(site.options(), issue, out, send_test)?,
        Command::Import { from } => import(from)?,
        Command::New { root, date, title } => {
            let request = sitrep::scaffold::NewIssue { date, title };
            let (path, number) = sitrep::scaffold::new_issue(&root, &request, today())?;
            println!("created issue #{number}: {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sitrep import`: one export into issue files (or, with --dry-run, only the summary).
fn import(from: ImportFrom) -> Result<(), sitrep::Error> {
    let (source, file, args, tags) = match from {
        ImportFrom::Wordpress {
            file,
            args,
            tags_from_categories,
        } => (
            sitrep::import::Source::WordPress,
            file,
            args,
            tags_from_categories,
        ),
        ImportFrom::Feed { file, args } => (sitrep::import::Source::Feed, file, args, false),
    };
    let opts = sitrep::import::ImportOptions {
        source,
        file,
        root: args.root,
        dry_run: args.dry_run,
        tags_from_categories: tags,
    };
    let start = Instant::now();
    let mut last = Instant::now();
    let summary = sitrep::import::run(&opts, &mut |p| {
        // A progress line every two seconds, only for imports that take that long.
        if last.elapsed().as_secs() >= 2 && p.total > 0 {
            last = Instant::now();
            let doing = if p.pass == 1 { "reading" } else { "converting" };
            eprintln!(
                "{doing}: {} % ({} items, {} s)",
                p.read * 100 / p.total,
                p.items,
                start.elapsed().as_secs()
            );
        }
    })?;
    print!("{summary}");
    Ok(())
}

/// `sitrep email`: the edition's files, their sizes and warnings, and a test send.
fn email(
    opts: BuildOptions,
    which: sitrep::email::Which,
    out: Option<PathBuf>,
    send_test: Option<String>,
) -> Result<(), sitrep::Error> {
    let started = Instant::now();
    let site = sitrep::load(&opts)?;
    let edition = sitrep::email::edition(&site, which)?;
    let dir = out.unwrap_or_else(|| opts.root.join("email"));
    for path in sitrep::email::write(&edition, &dir)? {
        println!("wrote {}", path.display());
    }
    println!(
        "Issue #{}: HTML {:.1} KB, text {:.1} KB, in {} ms",
        edition.number,
        edition.html.len() as f64 / 1024.0,
        edition.text.len() as f64 / 1024.0,
        started.elapsed().as_millis()
    );
    if edition.eml.is_none() {
        println!(
            "note: no .eml written: add `[email] from = \"Name <you@example.org>\"` to config.toml"
        );
    }
    for warning in &edition.warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(to) = send_test {
        let sent =
            sitrep::email::send_test(&site, edition.number, &edition.html, &edition.text, &to)?;
        println!(
            "sent to {} through {}: {}",
            sent.to, sent.server, sent.reply
        );
    }
    Ok(())
}

/// "1 issue", "5 issues".
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// Loads and renders everything (reporting all errors), then the style warnings.
fn check(opts: BuildOptions, deny_warnings: bool) -> Result<ExitCode, sitrep::Error> {
    let site = sitrep::load(&opts)?;
    let outputs = sitrep::render_for_check(&site)?;
    let warnings = sitrep::check::run(&site, &outputs);
    for w in &warnings {
        eprintln!("{w}");
    }
    let n = warnings.len();
    let drafts = site.issues.iter().filter(|i| i.draft).count();
    let scheduled = site
        .issues
        .iter()
        .filter(|i| !i.draft && site.is_scheduled(i))
        .count();
    let mut among = Vec::new();
    if drafts > 0 {
        among.push(count(drafts, "draft"));
    }
    if scheduled > 0 {
        among.push(format!("{scheduled} scheduled"));
    }
    let among = if among.is_empty() {
        String::new()
    } else {
        format!(" (including {})", among.join(" and "))
    };
    println!(
        "{} checked{among}, {} files would be written: no errors, {n} warning{}",
        count(site.issues.len(), "issue"),
        outputs.len(),
        if n == 1 { "" } else { "s" }
    );
    if deny_warnings && n > 0 {
        eprintln!(
            "--deny-warnings: failing because of {n} warning{}",
            if n == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
