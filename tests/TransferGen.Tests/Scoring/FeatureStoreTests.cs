using TransferGen.Data;
using TransferGen.Metrics;
using TransferGen.Scoring;
using TransferGen.Tests.Data;
using static TorchSharp.torch;

namespace TransferGen.Tests.Scoring;

/// <summary>The feature cache: hits are exact and skip the network; stale, corrupt and unwritable caches never fail a score.</summary>
public class FeatureStoreTests
{
    static readonly FeatureNetwork Pixels = FeatureExtractors.Resolve(FeatureExtractors.Pixels);

    static TensorSplit Images(int count = 20, int seed = 0)
    {
        using var g = new Generator((ulong)(seed + 1));
        return new TensorSplit("test", randint(0, 256, new long[] { count, 1, 12, 12 }, generator: g).to_type(ScalarType.Byte), new int[count]);
    }

    static (SetFeatures Features, int Extracted, List<string> Warnings) Extract(string folder, ImageSplit split)
    {
        var warnings = new List<string>();
        using var source = new FeatureSource(Pixels, new FeatureStore(folder, warnings.Add));
        var features = source.Of(split);
        return (features, source.Extracted, warnings);
    }

    static string EntryOf(string folder, ImageSplit split) => new FeatureStore(folder).PathOf(FeatureCacheKey.For(split, Pixels)!);

    [Fact]
    public void A_hit_is_bit_identical_to_a_fresh_extraction_and_does_not_run_the_network()
    {
        using var temp = new TempFolder();
        var split = Images();
        using var fresh = new FeatureSource(Pixels).Of(split);

        var (first, firstExtracted, _) = Extract(temp["cache"], split);
        var (second, secondExtracted, warnings) = Extract(temp["cache"], split);

        using (first)
        using (second)
        {
            Assert.Equal((1, false), (firstExtracted, first.FromCache));
            Assert.Equal((0, true), (secondExtracted, second.FromCache));
            Assert.Empty(warnings);
            Assert.True(TestImages.Identical(fresh.Features, second.Features));
        }
        Assert.Single(Directory.GetFiles(temp["cache"]));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("garbage")]
    public void A_corrupt_entry_is_detected_recomputed_and_rewritten(string damage)
    {
        using var temp = new TempFolder();
        var split = Images();
        Extract(temp["cache"], split).Features.Dispose();
        var entry = EntryOf(temp["cache"], split);
        var bytes = File.ReadAllBytes(entry);
        File.WriteAllBytes(entry, damage switch
        {
            "truncate" => bytes[..(bytes.Length / 2)],
            "flip" => bytes.Select((b, i) => i == bytes.Length - 100 ? (byte)(b ^ 0x10) : b).ToArray(),
            _ => "not a cache entry"u8.ToArray(),
        });

        var (again, extracted, warnings) = Extract(temp["cache"], split);
        using (again)
        {
            Assert.Equal((1, false), (extracted, again.FromCache));
            Assert.Contains(entry, Assert.Single(warnings));
            Assert.Contains("computing them again", warnings[0]);
        }
        Assert.Equal(bytes, File.ReadAllBytes(entry));   // rewritten whole
        var (hit, _, _) = Extract(temp["cache"], split);
        using (hit) Assert.True(hit.FromCache);
    }

    [Fact]
    public void An_entry_written_for_other_images_is_stale_and_not_used()
    {
        using var temp = new TempFolder();
        var a = Images(seed: 1);
        var b = Images(seed: 2);
        Extract(temp["cache"], a).Features.Dispose();
        File.Copy(EntryOf(temp["cache"], a), EntryOf(temp["cache"], b));

        var (features, extracted, warnings) = Extract(temp["cache"], b);

        using (features)
        {
            Assert.Equal(1, extracted);
            Assert.Contains("stale", Assert.Single(warnings));
        }
    }

    [Fact]
    public void A_changed_image_changes_the_key_and_so_does_the_network_and_the_count()
    {
        var split = Images();
        using var changedImages = split.Images.clone();
        changedImages[3, 0, 0, 0] = tensor((byte)(changedImages[3, 0, 0, 0].item<byte>() ^ 1));
        var changed = new TensorSplit("test", changedImages.clone(), new int[split.Count]);
        var key = FeatureCacheKey.For(split, Pixels)!;

        Assert.NotEqual(key.FileName(), FeatureCacheKey.For(changed, Pixels)!.FileName());
        Assert.NotEqual(key.FileName(), FeatureCacheKey.For(split.Subset(Enumerable.Range(0, 19).ToList()), Pixels)!.FileName());
        Assert.NotEqual(key.FileName(), FeatureCacheKey.For(split, Pixels with { CacheName = "other", InputSize = 64 })!.FileName());
        Assert.Equal(key, FeatureCacheKey.For(TestImages.Unbacked(split), Pixels));
        Assert.Null(FeatureCacheKey.For(split, Pixels with { CacheName = null }));
    }

    [Fact]
    public void An_unwritable_cache_folder_is_one_warning_and_the_features_are_still_computed()
    {
        using var temp = new TempFolder();
        var blocked = temp["blocked"];
        File.WriteAllText(blocked, "a file where the cache folder should be");
        var warnings = new List<string>();
        var store = new FeatureStore(Path.Combine(blocked, "features"), warnings.Add);
        using var source = new FeatureSource(Pixels, store);

        using var a = source.Of(Images(seed: 1));
        using var b = source.Of(Images(seed: 2));

        Assert.Equal(2, source.Extracted);
        Assert.Equal(0, store.Written);
        Assert.Contains("cannot be written", Assert.Single(warnings));
        Assert.Equal("a file where the cache folder should be", File.ReadAllText(blocked));
    }
}
