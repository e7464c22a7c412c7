//! `tsunagari-server serve | import-groups FILE | delete-group ID |
//! import-events FILE | export-events | fill-synthetic-events N |
//! create-account | invite | members | revoke | export-submissions`.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(command) => command,
        Err(e) => {
            eprintln!("tsunagari-server: {e}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if let Err(e) = cli::run(command) {
        eprintln!("tsunagari-server: {e:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
