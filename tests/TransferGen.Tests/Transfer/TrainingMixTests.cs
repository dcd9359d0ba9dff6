using TransferGen.Data;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Transfer;

public class TrainingMixTests
{
    // n gray 2×2 images whose pixels hold their index plus `offset`, so each read tells where it came from.
    static TensorSplit Numbered(int n, int offset, int label) =>
        new("train", arange(offset, offset + n, dtype: ScalarType.Int64).to(ScalarType.Byte).reshape(n, 1, 1, 1).expand(-1, 1, 2, 2).contiguous(),
            [.. Enumerable.Repeat(label, n)]);

    static int[] Origins(ImageSplit split) =>
        [.. Enumerable.Range(0, split.Count).Select(i => { using var image = split.Read(i); return (int)image[0, 0, 0].item<byte>(); })];

    [Theory]
    [InlineData(9, 100, 0.5)]    // few real images: repeated to match the generated ones
    [InlineData(90, 20, 0.5)]    // more real than generated: the generated ones repeat
    [InlineData(90, 100, 0.25)]
    public void The_mix_has_the_ratio_and_every_image_of_both_sides(int realCount, int extraCount, double ratio)
    {
        var real = Numbered(realCount, 0, 0);
        var extra = Numbered(extraCount, 128, 1);
        var mix = TrainingMix.Join(real, extra, ratio, seed: 3);
        var extraShare = mix.Labels.Count(l => l == 1) / (double)mix.Count;
        Assert.InRange(extraShare, ratio - 0.01, ratio + 0.01);
        var origins = Origins(mix);
        Assert.Equal(Enumerable.Range(0, realCount), origins.Where(o => o < 128).Distinct().Order());
        Assert.Equal(Enumerable.Range(128, extraCount), origins.Where(o => o >= 128).Distinct().Order());
        Assert.Equal(mix.Labels.Select(l => l == 1), origins.Select(o => o >= 128));
        // Repeats are spread evenly: no image appears twice more often than another of its side.
        foreach (var side in origins.GroupBy(o => o >= 128))
        {
            var counts = side.GroupBy(o => o).Select(g => g.Count()).ToList();
            Assert.True(counts.Max() - counts.Min() <= 1, $"uneven repeats {counts.Min()}..{counts.Max()}");
        }
    }

    [Fact]
    public void A_ratio_outside_zero_to_one_is_refused()
    {
        var real = Numbered(4, 0, 0);
        var extra = Numbered(4, 128, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingMix.Join(real, extra, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingMix.Join(real, extra, 0, 0));
    }
}
