namespace TransferGen;

/// <summary>
/// A problem with what the user gave us (a missing path, a corrupt file, a wrong shape, an unsupported op)
/// that the user can fix. The message is one sentence that names the file or option and says what is wrong;
/// the command-line tool prints it alone (no stack trace) and exits with code 2.
/// </summary>
public class InputException : Exception
{
    /// <summary>Creates the exception with its one-sentence message.</summary>
    public InputException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-sentence message and the low-level cause.</summary>
    public InputException(string message, Exception inner) : base(message, inner) { }
}
