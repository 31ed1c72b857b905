import CKernels

/// Ctrl-C (SIGINT) and SIGTERM for long batch work: after `begin()`, the first signal only sets
/// `requested`, so a loop can finish the output it is writing, say how many it wrote, and exit
/// 130; a second signal ends the process at once.
public enum Interrupt {
    /// Installs the handler (idempotent) and clears an earlier request.
    public static func begin() {
        gk_clear_interrupt()
        gk_install_interrupt_handler()
    }

    /// Whether a signal came since `begin()`.
    public static var requested: Bool { gk_interrupted() != 0 }
}
