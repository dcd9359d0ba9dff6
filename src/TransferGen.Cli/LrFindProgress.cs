using System.Globalization;
using TransferGen.Reports;
using TransferGen.Transfer;

namespace TransferGen.Cli;

/// <summary>
/// Shows a range test's progress on stderr: on a terminal one line rewritten in place (step, rate, loss); otherwise
/// (a log file, a pipe) the first step and then one line per tenth of the steps.
/// </summary>
public sealed class LrFindProgress
{
    readonly TextWriter _out = Console.Error;
    readonly bool _live = !Console.IsErrorRedirected;
    DateTime _lastDraw;
    string? _pending;

    /// <summary>Reports one step (pass as <see cref="LearningRateFinder.StepDone"/>).</summary>
    public void Step(LrFindStep step)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"lr-find step {step.Step}/{step.Steps}  lr {LrFindPlot.Rate(step.Lr)}  loss {step.Loss:F4}  smoothed {step.Smoothed:F4}");
        if (!_live)
        {
            if (step.Step == 1 || step.Step % Math.Max(1, step.Steps / 10) == 0) _out.WriteLine(line);
            return;
        }
        _pending = line;
        if ((DateTime.UtcNow - _lastDraw).TotalMilliseconds < 100) return;
        Draw();
    }

    /// <summary>Shows the last step and ends the live line.</summary>
    public void End()
    {
        if (!_live || _pending is null) return;
        Draw();
        _out.WriteLine();
    }

    void Draw()
    {
        _lastDraw = DateTime.UtcNow;
        _out.Write("\r\u001b[K" + _pending);
    }
}
