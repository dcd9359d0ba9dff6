using TransferGen.Cli.Progress;
using static TorchSharp.torch;

namespace TransferGen.Tests.Cli;

/// <summary>The spinner/status around feature extraction and the benchmarks, in plain mode.</summary>
public class ActivityProgressTests
{
    [Fact]
    public void Plain_mode_prints_the_title_then_counted_images_every_interval()
    {
        var clock = new ManualClock();
        var log = new StringWriter();
        var progress = new ActivityProgress(null, log, TimeSpan.FromSeconds(3), clock);
        IEnumerable<Tensor> Batches()
        {
            for (var i = 0; i < 6; i++)
            {
                clock.Advance(1);
                yield return zeros(4, 3, 2, 2);
            }
        }

        var images = progress.Run("extracting features of 24 images", () =>
        {
            long count = 0;
            foreach (var batch in progress.Counting(Batches(), "A", 24))
                using (batch)
                    count += batch.shape[0];
            return count;
        });

        Assert.Equal(24, images);
        Assert.Equal([
            "extracting features of 24 images",
            "features of A: 12/24 images  4.0 img/s  ETA 0:03",
            "features of A: 24/24 images  4.0 img/s  ETA -",
        ], log.ToString().TrimEnd().Split(Environment.NewLine));
    }
}
