using Spectre.Console.Testing;
using TransferGen.Cli.Progress;
using TransferGen.Data;
using TransferGen.Training;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Cli;

/// <summary>The progress component driven by made-up runs: plain lines for logs, the live display for terminals.</summary>
public class RunProgressTests
{
    static readonly Dictionary<string, double> Step = new() { ["loss"] = 0.5, ["accuracy"] = 0.25 };

    static readonly Dictionary<string, double> EpochFigures = new()
    {
        ["train_loss"] = 0.5, ["train_accuracy"] = 0.25, ["val_loss"] = 0.75, ["val_accuracy"] = 0.5,
    };

    /// <summary>Two epochs of <paramref name="batches"/> batches of 16 images, each batch taking a second, validation two.</summary>
    static void TwoEpochs(RunProgress progress, ManualClock clock, int batches, Action? midEpoch = null)
    {
        progress.BeginRun(new RunShape(0, 2, batches), ProgressFormat.Classifier);
        for (var epoch = 0; epoch < 2; epoch++)
        {
            progress.BeginEpoch(epoch, "finetune");
            for (var b = 0; b < batches; b++)
            {
                clock.Advance(1);
                progress.Batch(b, 16, Step);
                if (b == batches / 2) midEpoch?.Invoke();
            }
            clock.Advance(2);
            progress.EndEpoch(EpochFigures);
        }
        progress.EndRun(null);
    }

    [Fact]
    public void Plain_mode_prints_a_line_every_interval_with_batch_speed_running_loss_and_etas()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        using (var progress = new RunProgress(new PlainProgressView(log, TimeSpan.FromSeconds(30), clock), clock))
            TwoEpochs(progress, clock, batches: 100);

        var lines = log.ToString().TrimEnd().Split(Environment.NewLine);
        // Epoch 1: batches end at 1..100 s, so periodic lines at 30, 60 and 90 s; its summary resets the interval.
        Assert.Equal("epoch 1/2 [finetune]  batch 30/100  16.0 img/s  loss 0.5000 acc 25.0 %  epoch ETA 1:10  run ETA 2:50", lines[0]);
        Assert.StartsWith("epoch 1/2 [finetune]  batch 60/100", lines[1]);
        Assert.StartsWith("epoch 1/2 [finetune]  batch 90/100", lines[2]);
        Assert.Equal("epoch 1/2 [finetune]  train loss 0.5000 acc 25.0 %  val loss 0.7500 acc 50.0 %  elapsed 1:42  ETA 1:42", lines[3]);
        // Epoch 2 knows the validation time (2 s) and is the last: only its own ETA.
        Assert.Equal("epoch 2/2 [finetune]  batch 30/100  16.0 img/s  loss 0.5000 acc 25.0 %  epoch ETA 1:12", lines[4]);
        Assert.StartsWith("epoch 2/2 [finetune]  train loss", lines[^1]);
        Assert.EndsWith("elapsed 3:24  ETA 0:00", lines[^1]);
        Assert.Equal(8, lines.Length);
    }

    [Fact]
    public void Plain_mode_prints_only_epoch_lines_when_epochs_are_shorter_than_the_interval()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        using (var progress = new RunProgress(new PlainProgressView(log, TimeSpan.FromSeconds(30), clock), clock))
            TwoEpochs(progress, clock, batches: 10);
        var lines = log.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Contains("train loss", l));
    }

    [Fact]
    public void A_stopped_run_says_why_after_its_last_epoch()
    {
        var log = new StringWriter();
        var progress = new RunProgress(new PlainProgressView(log, TimeSpan.FromDays(1)));
        progress.BeginRun(new RunShape(0, 5, 3), ProgressFormat.Classifier);
        progress.BeginEpoch(0, null);
        progress.Batch(0, 8, Step);
        progress.EndEpoch(EpochFigures);
        progress.EndRun("no better validation accuracy in 1 epochs");
        progress.Dispose();
        var lines = log.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.StartsWith("epoch 1/5  train loss", lines[0]);
        Assert.Equal("stopped: no better validation accuracy in 1 epochs", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public void The_training_loop_drives_it_through_the_callback_adapter()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        using var progress = new RunProgress(new PlainProgressView(log, TimeSpan.FromSeconds(2.5), clock), clock);
        var loop = new TrainingLoop<Batch>(
            _ => Enumerable.Range(0, 4).Select(_ => new Batch(zeros(8, 1, 2, 2), zeros(8, dtype: ScalarType.Int64), [.. Enumerable.Range(0, 8)])),
            (_, _) =>
            {
                clock.Advance(1);
                return Step;
            },
            validate: null,
            [new ProgressCallback(progress, ProgressFormat.Classifier), new NamesPhase("probe")]);
        loop.Fit(new TrainingContext { Epochs = 2, BatchesPerEpoch = 4 });

        var lines = log.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal("epoch 1/2 [probe]  batch 3/4  8.0 img/s  loss 0.5000 acc 25.0 %  epoch ETA 0:01  run ETA 0:05", lines[0]);
        Assert.StartsWith("epoch 1/2 [probe]  train loss 0.5000 acc 25.0 %  elapsed 0:04", lines[1]);
        Assert.StartsWith("epoch 2/2 [probe]  batch 3/4  8.0 img/s", lines[2]);
        Assert.StartsWith("epoch 2/2 [probe]  train loss", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void Long_work_outside_the_batches_gets_a_line_every_interval_and_short_work_none()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        using (var progress = new RunProgress(new PlainProgressView(log, TimeSpan.FromSeconds(30), clock), clock))
        {
            progress.Activity("validating", 0, 600);
            clock.Advance(2);
            progress.Activity("validating", 600, 600);   // 2 s: nothing to say

            progress.Activity("caching backbone features", 0, 54_000);
            for (var done = 6_000; done <= 54_000; done += 6_000)
            {
                clock.Advance(4);
                progress.Activity("caching backbone features", done, 54_000);
            }
        }
        var lines = log.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal("caching backbone features: 18,000/54,000 images  1500 img/s  ETA 0:24", lines[0]);
        Assert.StartsWith("caching backbone features: 36,000/54,000 images", lines[1]);
        Assert.Equal("caching backbone features: 54,000 images in 0:36 (1500 img/s)", lines[^1]);
        Assert.Equal(3, lines.Length);
    }

    /// <summary>Names the phase as a fine-tune does (before the progress callback sees the epoch).</summary>
    sealed class NamesPhase(string name) : ICallback
    {
        public int Order => -200;

        public void BeforeEpoch(TrainingContext context) => context.Phase = new TrainingPhase(name, 0, context.Epochs);
    }

    static TestConsole Terminal() => new TestConsole().Interactive().EmitAnsiSequences().Width(160);

    [Fact]
    public void Live_mode_renders_the_epoch_and_run_rows_with_summaries_above_and_clears_at_the_end()
    {
        var clock = new ManualClock();
        using var console = Terminal();
        var view = new LiveProgressView(console);
        var rowsSeen = false;
        using (var progress = new RunProgress(view, clock))
            TwoEpochs(progress, clock, batches: 20, midEpoch: () =>
            {
                // The display thread redraws ten times a second; wait for one redraw that shows the rows.
                var until = DateTime.UtcNow.AddSeconds(10);
                while (!(rowsSeen = console.Output.Contains("img/s", StringComparison.Ordinal)) && DateTime.UtcNow < until) Thread.Sleep(10);
            });

        Assert.Null(view.Failure);
        Assert.True(rowsSeen, console.Output);
        var output = console.Output;
        Assert.Contains("epoch 1/2 [finetune]", output);
        Assert.Contains("16.0 img/s  loss 0.5000 acc 25.0 %  ETA", output);
        Assert.Contains("elapsed", output);
        Assert.Contains("epoch 1/2 [finetune]  train loss 0.5000 acc 25.0 %  val loss 0.7500 acc 50.0 %", output);
        Assert.Contains("epoch 2/2 [finetune]  train loss", output);
        Assert.EndsWith("\u001b[?25h", output.TrimEnd());   // the cursor is shown again
    }

    [Fact]
    public void Live_mode_is_torn_down_when_training_throws()
    {
        using var console = Terminal();
        var view = new LiveProgressView(console);
        void Train()
        {
            using var progress = new RunProgress(view);
            progress.BeginRun(new RunShape(0, 3, 10), ProgressFormat.Gan);
            progress.BeginEpoch(0, null);
            progress.Batch(0, 64, new Dictionary<string, double> { ["d_loss"] = 1.25, ["g_loss"] = 0.75 });
            throw new InvalidOperationException("boom");
        }
        var thrown = Assert.Throws<InvalidOperationException>(Train);
        Assert.Equal("boom", thrown.Message);
        Assert.Null(view.Failure);
        Assert.EndsWith("\u001b[?25h", console.Output.TrimEnd());
        // A second run on the same console starts cleanly: the first display let go of it.
        using (var again = new RunProgress(view))
        {
            again.BeginRun(new RunShape(0, 1, 1), ProgressFormat.Gan);
            again.EndRun("diverged");
        }
        Assert.Null(view.Failure);
        Assert.DoesNotContain("stopped:", console.Output);   // a GAN's command reports its divergence itself
    }

    [Fact]
    public void Lr_find_steps_show_as_one_pass_with_a_line_every_tenth()
    {
        var log = new StringWriter();
        using (var progress = new RunProgress(new PlainProgressView(log, TimeSpan.FromDays(1))))
        {
            var steps = new RangeTestProgress(progress, imagesPerStep: 8);
            for (var i = 1; i <= 20; i++) steps.Step(new LrFindStep(i, 20, 1e-5 * i, 2.0, 2.1));
        }
        var lines = log.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(["lr-find step 1/20", "lr-find step 2/20", "lr-find step 4/20"], lines.Take(3).Select(l => l[..l.IndexOf("  ", StringComparison.Ordinal)]));
        Assert.Equal("lr-find step 20/20  lr 0.0002  loss 2.0000  smoothed 2.1000", lines[^1]);
        Assert.Equal(11, lines.Length);
    }
}
