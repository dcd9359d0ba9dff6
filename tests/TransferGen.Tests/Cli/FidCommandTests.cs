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

    static JsonElement Fid(string a, string b, params string[] more)
    {
        var result = CliRunner.Run(["fid", a, b, "--features", "pixels", "--json", "--kid-subsets", "10", .. more]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    static readonly string[] ScoreKeys = ["fid", "kid", "kid_std", "precision", "recall"];

    // The scores, exactly: a cache hit must give the very same doubles as a fresh extraction.
    static double[] Scores(JsonElement json) => ScoreKeys.Select(k => json.GetProperty(k).GetDouble()).ToArray();

    static string[] Entries(string cache) => Directory.Exists(cache) ? Directory.GetFiles(cache) : [];

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

    [Fact]
    public void A_flat_folder_scores_exactly_as_the_same_images_in_an_image_folder()
    {
        using var temp = new TempFolder();
        WriteSet(temp["a"], 1, 0);          // a/all/*.png: an image folder with one class
        WriteSet(temp["b"], 2, 0.1);
        var flat = temp["a/all"];           // the same files, as a flat folder

        var asFolder = Fid(temp["a"], temp["b"], "--no-cache");
        var asFlat = Fid(flat, temp["b"], "--no-cache");

        Assert.Equal(Scores(asFolder), Scores(asFlat));
        Assert.Equal(48, asFlat.GetProperty("n_a").GetInt32());
        Assert.Equal("all", asFlat.GetProperty("split_a").GetString());
    }

    [Fact]
    public void A_folder_with_loose_images_and_class_folders_or_with_no_images_is_exit_2_and_one_sentence()
    {
        using var temp = new TempFolder();
        WriteSet(temp["mixed"], 1, 0, count: 4);
        ImageCodec.SavePng(ones(1, 8, 8), temp["mixed/loose.png"]);
        var empty = temp.Folder("empty");

        foreach (var folder in new[] { temp["mixed"], empty })
        {
            var result = CliRunner.Run("fid", folder, "fashion-mnist", "--features", "pixels");
            Assert.Equal(2, result.ExitCode);
            var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"error: {folder} holds ", line);
            Assert.True(FlatImageFolderTests.OneSentence(line["error: ".Length..]), line);
        }
    }

    [Fact]
    public void A_second_run_reads_both_sets_from_the_cache_with_bit_identical_scores()
    {
        using var temp = new TempFolder();
        WriteSet(temp["a"], 1, 0);
        WriteSet(temp["b"], 2, 0);
        var cache = temp["cache"];

        var first = Fid(temp["a"], temp["b"], "--cache-dir", cache);
        var entries = Entries(cache);
        var written = entries.Select(File.GetLastWriteTimeUtc).ToArray();
        var second = Fid(temp["a"], temp["b"], "--cache-dir", cache);
        var fresh = Fid(temp["a"], temp["b"], "--no-cache");
        var human = CliRunner.Run("fid", temp["a"], temp["b"], "--features", "pixels", "--kid-subsets", "10", "--cache-dir", cache);

        Assert.Equal(2, entries.Length);
        Assert.False(first.GetProperty("cached_a").GetBoolean() || first.GetProperty("cached_b").GetBoolean());
        Assert.True(second.GetProperty("cached_a").GetBoolean() && second.GetProperty("cached_b").GetBoolean());
        Assert.Equal(Scores(fresh), Scores(second));
        Assert.Equal(Scores(first), Scores(second));
        Assert.Equal(written, entries.Select(File.GetLastWriteTimeUtc).ToArray());   // read, not rewritten
        Assert.Contains($"A: {temp["a"]} [train], 48 images, features from cache", human.StdOut);
    }

    [Fact]
    public void A_corrupted_entry_is_recomputed_with_a_warning_and_a_changed_image_is_another_entry()
    {
        using var temp = new TempFolder();
        WriteSet(temp["a"], 1, 0);
        var cache = temp["cache"];
        var first = Fid(temp["a"], temp["a"], "--cache-dir", cache);
        var entry = Assert.Single(Entries(cache));   // A and B are the same images: one entry
        var bytes = File.ReadAllBytes(entry);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(entry, bytes);

        var result = CliRunner.Run("fid", temp["a"], temp["a"], "--features", "pixels", "--json", "--kid-subsets", "10", "--cache-dir", cache);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var again = JsonDocument.Parse(result.StdOut).RootElement;
        Assert.Contains($"warning: the cached features {entry} are cut short or corrupt", result.StdErr);
        Assert.False(again.GetProperty("cached_a").GetBoolean());
        Assert.True(again.GetProperty("cached_b").GetBoolean());   // A's recomputed features were stored, and B read them
        Assert.Equal(Scores(first), Scores(again));

        ImageCodec.SavePng(zeros(1, 28, 28), temp["a/all/007.png"]);
        var changed = Fid(temp["a"], temp["a"], "--cache-dir", cache);
        Assert.False(changed.GetProperty("cached_a").GetBoolean());
        Assert.Equal(2, Entries(cache).Length);
    }

    [Fact]
    public void No_cache_neither_reads_nor_writes_and_an_unwritable_cache_is_a_warning_not_a_failure()
    {
        using var temp = new TempFolder();
        WriteSet(temp["a"], 1, 0, count: 8);
        var cache = temp["cache"];
        var environment = new Dictionary<string, string> { ["TRANSFERGEN_FEATURE_CACHE"] = cache };

        var cached = CliRunner.Run(environment, "fid", temp["a"], temp["a"], "--features", "pixels", "--kid-subsets", "2", "--json");
        Assert.True(cached.ExitCode == 0, cached.StdErr);
        var entry = Assert.Single(Entries(cache));   // the variable names the folder
        File.Delete(entry);
        var bypassed = CliRunner.Run(environment, "fid", temp["a"], temp["a"], "--features", "pixels", "--kid-subsets", "2", "--json", "--no-cache");
        Assert.True(bypassed.ExitCode == 0, bypassed.StdErr);
        Assert.Empty(Entries(cache));
        Assert.False(JsonDocument.Parse(bypassed.StdOut).RootElement.GetProperty("cached_b").GetBoolean());

        File.WriteAllText(temp["blocked"], "x");
        var blocked = CliRunner.Run("fid", temp["a"], temp["a"], "--features", "pixels", "--kid-subsets", "2", "--cache-dir", temp["blocked/features"]);
        Assert.True(blocked.ExitCode == 0, blocked.StdErr);
        Assert.Single(blocked.StdErr.Split('\n'), l => l.StartsWith("warning: the feature cache", StringComparison.Ordinal));
        Assert.Equal("x", File.ReadAllText(temp["blocked"]));
    }
}
