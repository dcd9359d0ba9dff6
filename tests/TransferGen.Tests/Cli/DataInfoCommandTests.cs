using System.Text.Json;
using SkiaSharp;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>`transfergen data info` end to end, through the real program: output, exit codes and files.</summary>
public class DataInfoCommandTests
{
    [Fact]
    public void Json_for_the_embedded_sample_has_the_documented_keys()
    {
        using var empty = new TempFolder();
        var result = CliRunner.Run(new Dictionary<string, string> { ["TRANSFERGEN_FASHION_MNIST_DIR"] = empty.Path },
            "data", "info", "fashion-mnist", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        Assert.Equal("fashion-mnist (embedded sample)", root.GetProperty("format").GetString());
        Assert.Equal(10, root.GetProperty("classes").GetArrayLength());
        Assert.Equal([1, 28, 28], root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        var train = root.GetProperty("splits").GetProperty("train");
        Assert.Equal(2000, train.GetProperty("count").GetInt32());
        Assert.All(train.GetProperty("per_class").EnumerateArray(), n => Assert.Equal(200, n.GetInt32()));
        Assert.Equal(500, root.GetProperty("splits").GetProperty("test").GetProperty("count").GetInt32());
    }

    [Fact]
    public void Json_for_the_installed_dataset_reports_the_full_splits()
    {
        if (!File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) return; // package not installed
        var result = CliRunner.Run("data", "info", "fashion-mnist", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StdOut);
        var splits = json.RootElement.GetProperty("splits");
        Assert.Equal(60000, splits.GetProperty("train").GetProperty("count").GetInt32());
        Assert.Equal(10000, splits.GetProperty("test").GetProperty("count").GetInt32());
    }

    [Fact]
    public void A_truncated_idx_file_is_one_line_naming_the_file_and_exit_code_2()
    {
        using var dir = new TempFolder();
        var (images, _) = TestFiles.WriteIdxPair(dir.Path, "train", TestFiles.Pattern(4, 16), 4, 4, 4, [0, 1, 0, 1], gzip: false);
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..30]);

        var result = CliRunner.Run("data", "info", dir.Path);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Path.GetFileName(images), line);
        Assert.DoesNotContain("   at ", result.StdErr);
    }

    [Fact]
    public void A_cifar_file_of_the_wrong_size_is_exit_code_2_naming_the_file()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir["data_batch_1.bin"], TestFiles.CifarRecords([[1], [2]]));
        File.WriteAllBytes(dir["test_batch.bin"], TestFiles.CifarRecords([[3]]).Concat(new byte[100]).ToArray());

        var result = CliRunner.Run("data", "info", dir.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("test_batch.bin", Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void A_corrupt_jpeg_fails_under_strict_and_is_skipped_and_counted_otherwise()
    {
        using var dir = new TempFolder();
        TestFiles.WriteImage(dir["cats/a.png"], 12, 10);
        TestFiles.WriteImage(dir["cats/b.jpg"], 20, 16, SKEncodedImageFormat.Jpeg);
        TestFiles.WriteImage(dir["dogs/c.png"], 12, 10, seed: 5);
        File.WriteAllBytes(dir["dogs/broken.jpg"], [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);

        var strict = CliRunner.Run("data", "info", dir.Path, "--strict");
        Assert.Equal(2, strict.ExitCode);
        Assert.Contains("broken.jpg", Assert.Single(strict.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var lenient = CliRunner.Run("data", "info", dir.Path, "--json");
        Assert.Equal(0, lenient.ExitCode);
        using var json = JsonDocument.Parse(lenient.StdOut);
        Assert.Equal(1, json.RootElement.GetProperty("skipped_files").GetInt32());
        Assert.Contains("skipped 1 of 4 files", lenient.StdErr);
    }

    [Fact]
    public void A_folder_of_mixed_png_and_jpeg_sizes_writes_a_readable_grid()
    {
        using var dir = new TempFolder();
        TestFiles.WriteImage(dir["train/cats/a.png"], 12, 10);
        TestFiles.WriteImage(dir["train/cats/b.jpg"], 30, 18, SKEncodedImageFormat.Jpeg);
        TestFiles.WriteImage(dir["train/dogs/c.png"], 12, 10, seed: 9);
        TestFiles.WriteImage(dir["test/cats/d.png"], 12, 10);
        TestFiles.WriteImage(dir["test/dogs/e.jpg"], 8, 8, SKEncodedImageFormat.Jpeg);
        var grid = dir["out/grid.png"];

        var result = CliRunner.Run("data", "info", dir.Path, "--grid", grid);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("cats", result.StdOut);
        using var bitmap = SKBitmap.Decode(grid);
        Assert.NotNull(bitmap);
        Assert.True(bitmap.Width > 64 && bitmap.Height > 64);
        Assert.Empty(Directory.GetFiles(dir["out"], "*.tmp"));
    }

    [Fact]
    public void Missing_paths_and_unknown_options_exit_with_2()
    {
        var missing = CliRunner.Run("data", "info", "/definitely/not/here");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("/definitely/not/here", missing.StdErr);

        var badOption = CliRunner.Run("data", "info", "fashion-mnist", "--no-such-option");
        Assert.Equal(2, badOption.ExitCode);
    }

    [Fact]
    public void Version_and_help_work()
    {
        var version = CliRunner.Run("--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.StdOut.Trim());
        var help = CliRunner.Run("data", "info", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--grid", help.StdOut);
    }
}
