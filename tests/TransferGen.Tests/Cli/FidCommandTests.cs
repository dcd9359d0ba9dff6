using System.Text.Json;
using TransferGen.Imaging;
using TransferGen.Tests.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Cli;

/// <summary>`transfergen fid` end to end with the cheap `pixels` features.</summary>
public class FidCommandTests
{
    // Smooth random blobs: images with structure, so noise changes their statistics.
    static void WriteSet(string folder, long seed, double noise, int count = 48)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)seed);
        using var gn = new Generator(999);
        var coarse = rand(new long[] { count, 1, 4, 4 }, generator: g);
        var images = nn.functional.interpolate(coarse, new long[] { 28, 28 }, mode: InterpolationMode.Bilinear, align_corners: false);
        images = (images + noise * randn(images.shape, generator: gn)).clamp(0, 1);
        for (var i = 0; i < count; i++) ImageCodec.SavePng(images[i], Path.Combine(folder, "all", $"{i:D3}.png"));
    }

    static JsonElement Fid(string a, string b)
    {
        var result = CliRunner.Run("fid", a, b, "--features", "pixels", "--json", "--kid-subsets", "10");
        Assert.True(result.ExitCode == 0, result.StdErr);
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    [Fact]
    public void Fid_is_zero_for_a_set_against_itself_symmetric_and_grows_with_noise()
    {
        using var temp = new TempFolder();
        WriteSet(temp["a"], 1, 0);
        WriteSet(temp["b"], 2, 0);
        WriteSet(temp["slightly-noisy"], 1, 0.1);
        WriteSet(temp["noisy"], 1, 0.4);

        var self = Fid(temp["a"], temp["a"]);
        Assert.True(self.GetProperty("fid").GetDouble() < 1e-6, self.ToString());
        Assert.Equal(48, self.GetProperty("n_a").GetInt32());
        Assert.Equal("pixels", self.GetProperty("features").GetString());
        Assert.Equal(32, self.GetProperty("resize_size").GetInt32());
        Assert.Equal("train", self.GetProperty("split_a").GetString());   // a plain folder is read whole
        Assert.Equal(1.0, self.GetProperty("precision").GetDouble());
        Assert.Equal(1.0, self.GetProperty("recall").GetDouble());
        Assert.Equal(3, self.GetProperty("pr_k").GetInt32());
        Assert.Equal("a", self.GetProperty("pr_reference").GetString());

        var ab = Fid(temp["a"], temp["b"]).GetProperty("fid").GetDouble();
        var ba = Fid(temp["b"], temp["a"]).GetProperty("fid").GetDouble();
        Assert.True(ab > 0 && Math.Abs(ab - ba) < 1e-6 * Math.Max(1, ab), $"{ab} vs {ba}");

        // The same images with more and more noise drift further away.
        var slightly = Fid(temp["a"], temp["slightly-noisy"]).GetProperty("fid").GetDouble();
        var noisy = Fid(temp["a"], temp["noisy"]).GetProperty("fid").GetDouble();
        Assert.True(slightly > 1e-4 && noisy > 2 * slightly, $"noise 0.1: {slightly}, noise 0.4: {noisy}");
    }

    [Fact]
    public void Human_output_states_the_mode_and_the_caveat_and_unknown_features_fail_clearly()
    {
        using var temp = new TempFolder();
        WriteSet(temp["a"], 1, 0, count: 8);
        var human = CliRunner.Run("fid", temp["a"], temp["a"], "--features", "pixels", "--kid-subsets", "2");
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("mode: features pixels", human.StdOut);
        Assert.Contains("not comparable with the Inception-based", human.StdOut);
        Assert.Contains("precision 1.000   recall 1.000", human.StdOut);

        // Three images per side are too few for k = 3 neighbours: FID still, precision/recall n/a, never a crash.
        WriteSet(temp["tiny"], 1, 0, count: 3);
        var tiny = CliRunner.Run("fid", temp["tiny"], temp["tiny"], "--features", "pixels", "--kid-subsets", "2", "--json");
        Assert.True(tiny.ExitCode == 0, tiny.StdErr);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(tiny.StdOut).RootElement.GetProperty("precision").ValueKind);

        var unknown = CliRunner.Run("fid", temp["a"], temp["a"], "--features", "nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Unknown feature network 'nope'", unknown.StdErr);
    }
}
