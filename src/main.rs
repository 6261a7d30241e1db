//! The `sitrep` command line: thin commands over the library's pipeline.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use sitrep::BuildOptions;

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
    /// Validate the whole site without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
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
}

impl SiteArgs {
    fn options(self) -> BuildOptions {
        BuildOptions {
            root: self.root,
            base_url: self.base_url,
            drafts: self.drafts,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), sitrep::Error> {
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
                "Built {} issues into {} in {} ms: {} files written, {} unchanged, {} removed",
                site.issues.len(),
                output.display(),
                start.elapsed().as_millis(),
                report.written,
                report.unchanged,
                report.removed
            );
        }
        Command::Check { site } => {
            let site = sitrep::load(&site.options())?;
            let outputs = sitrep::render_site(&site)?;
            println!(
                "{} issues, {} pages would be written: no problems found",
                site.issues.len(),
                outputs.len()
            );
        }
    }
    Ok(())
}
