//! `tsunagari-server serve | import-groups FILE | delete-group ID |
//! import-events FILE | export-events | fill-synthetic-events N | readings-cache |
//! create-account | invite | members | revoke | export-submissions |
//! backup FILE | restore FILE | new-epoch` (`--help` for each).

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    // A mistake in the arguments: clap's message and exit code 2.
    let cli = cli::Cli::parse();
    if let Err(e) = cli::run(cli) {
        eprintln!("tsunagari-server: {e:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
