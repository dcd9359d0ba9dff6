namespace TransferGen.Cli.Progress;

/// <summary>Where <see cref="RunProgress"/> shows a run: a live display on a terminal, or plain lines in a log.</summary>
public interface IProgressView
{
    /// <summary>A run (one fit) starts.</summary>
    void Begin(RunShape shape);

    /// <summary>The run has moved on (called at most about ten times a second).</summary>
    void Update(ProgressSnapshot snapshot);

    /// <summary>A finished line (an epoch's summary, a note): above the live display, or as one line of the log.</summary>
    void Line(string text);

    /// <summary>The run ended, normally, by a stop or by an exception: remove anything live.</summary>
    void End();
}
