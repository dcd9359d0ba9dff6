using System.Globalization;
using TransferGen.Reports;

namespace TransferGen.Cli.Progress;

/// <summary>A figure of the training step shown while an epoch runs, such as the running loss.</summary>
/// <param name="Key">The step figure it reads ("loss", "d_loss").</param>
/// <param name="Label">How it is labelled ("loss", "D").</param>
/// <param name="Format">Formats the value.</param>
/// <param name="Mean">True: the mean over this epoch's steps so far; false: the last step's value.</param>
public sealed record RunningFigure(string Key, string Label, Func<double, string> Format, bool Mean = true);

/// <summary>What one kind of run shows: its running figures, its epoch summary line and whether to announce a stop.</summary>
/// <param name="Figures">The figures shown while an epoch runs.</param>
/// <param name="Summary">The line printed when an epoch ends.</param>
/// <param name="Name">Shown instead of "epoch n/N" for a run that is not counted in epochs (the lr-find range test).</param>
/// <param name="ShowStopReason">Print "stopped: REASON" after a run that a callback stopped early.</param>
public sealed record ProgressFormat(IReadOnlyList<RunningFigure> Figures, Func<EpochEnd, string> Summary, string? Name = null, bool ShowStopReason = true)
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    static string Loss(double x) => x.ToString("F4", C);

    static string Gan3(double x) => x.ToString("0.000", C);

    static string Percent(double x) => x.ToString("P1", C);

    /// <summary>A classifier (finetune, pretrain, the lr-find probe): running loss and accuracy; train/source/val figures per epoch.</summary>
    public static ProgressFormat Classifier { get; } = new(
        [new("loss", "loss", Loss), new("accuracy", "acc", Percent)],
        e =>
        {
            var m = e.Metrics;
            var phase = e.Phase is null ? "" : $" [{e.Phase}]";
            var line = string.Create(C, $"epoch {e.Epoch}/{e.Epochs}{phase}  train loss {m.GetValueOrDefault("train_loss"):F4} acc {m.GetValueOrDefault("train_accuracy"):P1}");
            if (m.TryGetValue("train_source_loss", out var source))
                line += string.Create(C, $"  source loss {source:F4} acc {m.GetValueOrDefault("train_source_accuracy"):P1}");
            if (m.TryGetValue("val_accuracy", out var val))
                line += string.Create(C, $"  val loss {m.GetValueOrDefault("val_loss"):F4} acc {val:P1}");
            return line + $"  elapsed {ProgressText.Duration(e.Elapsed)}  ETA {ProgressText.Duration(e.RunEta)}";
        });

    /// <summary>A GAN: running D and G losses; the epoch's time and D/G figures per epoch. The command reports a divergence itself.</summary>
    public static ProgressFormat Gan { get; } = new(
        [new("d_loss", "D", Gan3), new("g_loss", "G", Gan3)],
        e =>
        {
            var m = e.Metrics;
            return string.Create(C, $"epoch {e.Epoch}/{e.Epochs} done in {m.GetValueOrDefault("epoch_seconds"):0.0} s: ")
                   + $"d_loss {Gan3(m.GetValueOrDefault("train_d_loss"))}  g_loss {Gan3(m.GetValueOrDefault("train_g_loss"))}  "
                   + $"d_real {Gan3(m.GetValueOrDefault("train_d_real"))}  d_fake {Gan3(m.GetValueOrDefault("train_d_fake"))}  "
                   + (m.TryGetValue("ada_p", out var p) ? $"ada p {Gan3(p)} (r {Gan3(m.GetValueOrDefault("train_d_real_sign"))})  " : "")
                   + $"elapsed {ProgressText.Duration(e.Elapsed)}  ETA {ProgressText.Duration(e.RunEta)}";
        },
        ShowStopReason: false);

    /// <summary>The lr-find range test: one pass of mini-batches showing the current rate, loss and smoothed loss.</summary>
    public static ProgressFormat RangeTest { get; } = new(
        [new("lr", "lr", LrFindPlot.Rate, Mean: false), new("loss", "loss", Loss, Mean: false), new("smoothed", "smoothed", Loss, Mean: false)],
        _ => "",
        Name: "lr-find",
        ShowStopReason: false);
}
