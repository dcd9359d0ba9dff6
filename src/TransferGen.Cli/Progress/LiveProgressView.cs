using Spectre.Console;
using Spectre.Console.Rendering;

namespace TransferGen.Cli.Progress;

/// <summary>
/// Progress on a terminal: a Spectre.Console progress display of two rows, the epoch (title, bar, batch n/N, images/s,
/// running figures, the epoch's ETA) and the run (bar, elapsed, the run's ETA; left out when one epoch is left). Lines
/// written through the same console while it runs (epoch summaries, warnings) appear above it.
/// </summary>
/// <remarks>
/// Spectre's display is a blocking call around the work, while training reports through callbacks; so the display
/// runs on a thread of its own from <see cref="Begin"/> to <see cref="End"/>, and the training thread only sets the
/// rows' values. Spectre's progress renderer takes its lock inside the console's, in the same order for its refresh
/// thread and for other writers, so writing lines from the training thread meanwhile is safe (its Live display, which
/// takes them in the opposite order on refresh, would not be). If the display cannot start (another one is running),
/// the rows stay unshown and lines are still written.
/// </remarks>
/// <param name="console">The console on stderr (or a test console).</param>
public sealed class LiveProgressView(IAnsiConsole console) : IProgressView
{
    Thread? _thread;
    ManualResetEventSlim? _ready, _stop;
    ProgressTask? _epochRow, _runRow;

    /// <summary>Why the display could not start, if it could not.</summary>
    public Exception? Failure { get; private set; }

    /// <inheritdoc />
    public void Begin(RunShape shape)
    {
        End();
        Failure = null;
        var showRun = shape.Epochs - shape.FirstEpoch > 1;
        var ready = _ready = new ManualResetEventSlim();
        var stop = _stop = new ManualResetEventSlim();
        _thread = new Thread(() => Show(showRun, ready, stop)) { IsBackground = true, Name = "progress display" };
        AppDomain.CurrentDomain.ProcessExit += ShowCursor;
        _thread.Start();
        ready.Wait();
    }

    void Show(bool showRun, ManualResetEventSlim ready, ManualResetEventSlim stop)
    {
        try
        {
            new Spectre.Console.Progress(console)
                .AutoClear(true)
                .ExcludeVerticalPadding(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new DetailColumn())
                .Start(context =>
                {
                    _epochRow = context.AddTask("starting", maxValue: 1);
                    if (showRun) _runRow = context.AddTask("run", maxValue: 1);
                    ready.Set();
                    stop.Wait();
                });
        }
        catch (Exception e)
        {
            Failure = e;
        }
        finally
        {
            _epochRow = _runRow = null;
            ready.Set();
        }
    }

    /// <inheritdoc />
    public void Update(ProgressSnapshot s)
    {
        if (_epochRow is { } epoch)
        {
            epoch.Description = Markup.Escape(s.Title);
            epoch.MaxValue = Math.Max(1, s.Batches);
            epoch.Value = s.Batch;
            var figures = s.Figures.Count > 0 ? "  " + string.Join(' ', s.Figures) : "";
            epoch.Tag = $"{s.Batch}/{s.Batches}  {ProgressText.Speed(s.ImagesPerSecond)} img/s{figures}  ETA {ProgressText.Duration(s.EpochEta)}";
        }
        if (_runRow is { } run)
        {
            run.MaxValue = Math.Max(1, s.EpochsToRun);
            run.Value = s.EpochsDone;
            run.Tag = $"elapsed {ProgressText.Duration(s.Elapsed)}  ETA {ProgressText.Duration(s.RunEta)}";
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Padded to the console's width: the line is drawn where the display's rows were, and the rest of a longer row
    /// would otherwise stay on screen after it ("ETA 0:090").
    /// </remarks>
    public void Line(string text)
    {
        var width = console.Profile.Width;
        console.WriteLine(_thread is not null && text.Length < width ? text.PadRight(width - 1) : text);
    }

    /// <inheritdoc />
    public void End()
    {
        if (_thread is null) return;
        _stop!.Set();
        _thread.Join();
        _stop.Dispose();
        _ready!.Dispose();
        _thread = null;
        _ready = _stop = null;
        AppDomain.CurrentDomain.ProcessExit -= ShowCursor;
    }

    // A process ended by a signal while the display runs must not leave the terminal's cursor hidden.
    void ShowCursor(object? sender, EventArgs e) => console.Cursor.Show();

    /// <summary>The text after the bar, kept in the row's tag by <see cref="Update"/>.</summary>
    sealed class DetailColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Tag as string ?? "") { Overflow = Overflow.Ellipsis };
    }
}
