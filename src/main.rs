fn main() -> std::process::ExitCode {
    minesim::cli::main()
}
