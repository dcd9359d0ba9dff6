using TransferGen.Reports;
using TransferGen.Training;
using TransferGen.Training.Callbacks;

namespace TransferGen.Tests.Reports;

public class TrainingCurvesTests
{
    static List<Dictionary<string, double>> ClassifierHistory(int epochs) =>
        Enumerable.Range(1, epochs).Select(e => new Dictionary<string, double>
        {
            ["train_loss"] = 2.0 / e,
            ["val_loss"] = 2.2 / e + 0.05 * e,
            ["train_accuracy"] = 1 - 0.8 / e,
            ["val_accuracy"] = 1 - 0.9 / e,
            ["lr"] = 0.01,
        }).ToList();

    [Fact]
    public void Classifier_history_gets_loss_and_accuracy_panels()
    {
        var history = ClassifierHistory(8);
        Assert.Equal(["Loss", "Accuracy"], TrainingCurves.PanelTitles(history));
        var png = TrainingCurves.RenderPng(history);
        PngAssert.Decodes(png, (1200, 1200), (450, 450), "curves-classifier").Dispose();
    }

    [Fact]
    public void Gan_history_gets_loss_and_fid_panels_with_fid_on_some_epochs()
    {
        var history = Enumerable.Range(1, 10).Select(e =>
        {
            var d = new Dictionary<string, double> { ["d_loss"] = 0.7 + 0.1 * Math.Sin(e), ["g_loss"] = 1.5 + 0.2 * Math.Cos(e) };
            if (e % 2 == 0) d["fid"] = 200.0 / e;
            return d;
        }).ToList();
        Assert.Equal(["Loss", "FID (lower is better)"], TrainingCurves.PanelTitles(history));
        PngAssert.Decodes(TrainingCurves.RenderPng(history), (1200, 1200), (450, 450), "curves-gan").Dispose();
    }

    [Fact]
    public void A_single_epoch_and_an_empty_history_both_render()
    {
        PngAssert.Decodes(TrainingCurves.RenderPng(ClassifierHistory(1)), (1200, 1200), (450, 450), "curves-one-epoch").Dispose();
        PngAssert.Decodes(TrainingCurves.RenderPng([]), (600, 600), (450, 450), "curves-empty").Dispose();
    }

    [Fact]
    public void Callback_rewrites_curves_png_at_every_epoch()
    {
        var dir = Directory.CreateTempSubdirectory("tg-curves-");
        try
        {
            var callback = new TrainingCurvesCallback(dir.FullName);
            var sizes = new List<long>();
            var loop = new TrainingLoop<Step>(
                epoch => [new Step(epoch + 1), new Step(epoch + 2)],
                (batch, _) => new Dictionary<string, double> { ["loss"] = 1.0 / batch.Value },
                _ => new Dictionary<string, double> { ["accuracy"] = 0.5 },
                [callback, new Probe(() => sizes.Add(new FileInfo(callback.ImagePath).Length))]);
            loop.Fit(new TrainingContext { Epochs = 3, BatchesPerEpoch = 2 });

            Assert.Equal(3, sizes.Count);
            Assert.All(sizes, s => Assert.True(s > 1000));
            using var bitmap = SkiaSharp.SKBitmap.Decode(callback.ImagePath);
            Assert.Equal(1200, bitmap.Width); // loss and accuracy panels
            Assert.Equal(["curves.png"], Directory.GetFiles(dir.FullName).Select(Path.GetFileName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    sealed record Step(int Value) : IDisposable
    {
        public void Dispose() { }
    }

    /// <summary>Runs after the curves callback at each epoch end, to observe the file it wrote.</summary>
    sealed class Probe(Action afterEpoch) : ICallback
    {
        public int Order => 200;
        public void AfterEpoch(TrainingContext context) => afterEpoch();
    }
}
