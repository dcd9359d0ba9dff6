using TransferGen.Metrics;
using TransferGen.Scoring;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Scoring;

/// <summary>The feature-network registry and image-set scoring, with the cheap pixel features.</summary>
public class FeatureNetworkTests
{
    [Fact]
    public void The_registry_resolves_builtin_names_ignoring_case_and_lists_them_when_a_name_is_unknown()
    {
        var pixels = FeatureExtractors.Resolve(" PIXELS ");
        Assert.Equal((FeatureExtractors.Pixels, PixelFeatures.InputSize), (pixels.Name, pixels.InputSize));
        Assert.Equal(PixelFeatures.FeatureName, pixels.Create().Name);
        Assert.Equal(128, FeatureExtractors.Resolve(FeatureExtractors.Default).InputSize);

        var e = Assert.Throws<InputException>(() => FeatureExtractors.Resolve("inception-v3"));
        Assert.Contains("pixels", e.Message);
        Assert.Contains("resnet18-imagenet-224", e.Message);
        Assert.Contains("run folder", e.Message);
    }

    [Fact]
    public void A_registered_network_is_resolved_with_its_input_size_and_description()
    {
        FeatureExtractors.Register("test-pixels-16", () => new PixelFeatures(), inputSize: 16, description: "pixels at 16");
        var network = FeatureExtractors.Resolve("test-pixels-16");
        Assert.Equal((16, "pixels at 16"), (network.InputSize, network.Description));
        Assert.Contains("test-pixels-16", FeatureExtractors.Names);
    }

    [Fact]
    public void A_limited_split_is_a_seeded_subset_in_split_order()
    {
        var split = TestImages.NumberedSplit(30);
        var a = ImageSetScoring.Limit(split, 10, seed: 4);
        var b = ImageSetScoring.Limit(split, 10, seed: 4);
        Assert.Equal(10, a.Count);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Same(split, ImageSetScoring.Limit(split, 30, seed: 4));
        Assert.Same(split, ImageSetScoring.Limit(split, null, seed: 4));
    }

    [Fact]
    public void A_set_scored_against_itself_has_zero_fid_and_the_report_records_the_mode()
    {
        var network = FeatureExtractors.Resolve(FeatureExtractors.Pixels);
        var split = TestImages.NumberedSplit(24, size: 8);
        var side = new ImageSetSide("numbered", "train", 0);
        var scores = ImageSetScoring.Score(network, network.Create(),
            ImageSetScoring.Batches(split, network.InputSize), side,
            ImageSetScoring.Batches(split, network.InputSize), side, kidSubsets: 5);
        Assert.True(Math.Abs(scores.Fid) < 1e-6, $"FID {scores.Fid}");
        Assert.Equal((24L, 24L), (scores.A.Count, scores.B.Count));
        Assert.Equal((FeatureExtractors.Pixels, 192, PixelFeatures.InputSize), (scores.Features, scores.FeatureDim, scores.InputSize));
    }
}
