using TransferGen.IO;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void Stale_temporaries_of_dead_writers_are_removed_and_live_ones_kept()
    {
        using var temp = new TempFolder();
        var folder = temp.Folder("run");
        Directory.CreateDirectory(Path.Combine(folder, "samples"));
        // A pid far above Linux's pid_max (4,194,304) cannot be running.
        var dead = Path.Combine(folder, "samples", $".epoch-002.png.99999999.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(folder, $".checkpoint.bin.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var unrelated = Path.Combine(folder, ".notes.tmp");
        foreach (var file in new[] { dead, live, unrelated }) File.WriteAllText(file, "x");

        Assert.Equal(1, AtomicFile.RemoveStale(folder));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(unrelated));
    }

    [Fact]
    public void A_write_that_throws_leaves_the_target_and_no_temporary()
    {
        using var temp = new TempFolder();
        var target = Path.Combine(temp.Folder("out"), "a.json");
        AtomicFile.WriteAllText(target, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, _ => throw new InvalidOperationException("boom")));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public void A_full_disk_is_one_sentence_naming_the_target_not_the_temporary_file()
    {
        using var temp = new TempFolder();
        var target = Path.Combine(temp.Folder("run"), "model.pt");
        AtomicFile.WriteAllText(target, "old");
        // /dev/full refuses every write with ENOSPC, as a full disk does: the error is the operating system's own.
        var error = Assert.Throws<InputException>(() => AtomicFile.Write(target, _ =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write);
            full.Write(new byte[4096]);
            full.Flush();
        }));
        Assert.Equal($"{target} could not be written: no space left on the device.", error.Message);
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)!));
    }

    public static TheoryData<Exception, string> Refusals => new()
    {
        { new IOException("Read-only file system : '/x'", 30), "the file system is read-only" },
        { new IOException("Permission denied : '/x'", 13), "permission denied" },
        { new UnauthorizedAccessException("Access to the path '/x' is denied."), "permission denied" },
        { new IOException("Disk quota exceeded : '/x'", 122), "the disk quota is exceeded" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refusals_of_the_environment_name_the_target(Exception refusal, string problem)
    {
        using var temp = new TempFolder();
        var target = temp["metrics.json"];
        var error = Assert.Throws<InputException>(() => AtomicFile.Write(target, _ => throw refusal));
        Assert.Equal($"{target} could not be written: {problem}.", error.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Other_failures_keep_their_own_exception()
    {
        using var temp = new TempFolder();
        Assert.Throws<IOException>(() => AtomicFile.Write(temp["a"], _ => throw new IOException("broken pipe", 32)));
    }

    [Fact]
    public void An_error_that_reached_the_top_is_described_with_the_target_of_a_temporary_file()
    {
        var temporary = $"/runs/r/.checkpoint.pt.4242.{Guid.NewGuid():N}.tmp";
        Assert.Equal("/runs/r/checkpoint.pt could not be written: no space left on the device.",
            FileErrors.Describe(new IOException($"No space left on device : '{temporary}'", 28)));
        Assert.Equal("/runs/r/x.png could not be written: the file system is read-only.",
            FileErrors.Describe(new IOException("Read-only file system : '/runs/r/x.png'", 30)));
        Assert.Null(FileErrors.Describe(new IOException("Bad file descriptor", 9)));
    }

    [Fact]
    public void A_folder_in_the_place_of_the_file_or_a_file_in_the_place_of_its_folder_is_an_input_error()
    {
        using var temp = new TempFolder();
        var folder = temp.Folder("heatmap.png");
        Assert.Contains("is a folder", Assert.Throws<InputException>(() => AtomicFile.WriteAllText(folder, "x")).Message);
        File.WriteAllText(temp["file"], "mine");
        var error = Assert.Throws<InputException>(() => AtomicFile.WriteAllText(Path.Combine(temp["file"], "run", "config.json"), "x"));
        Assert.StartsWith($"{temp["file"]} is a file", error.Message);
        Assert.Equal("mine", File.ReadAllText(temp["file"]));
    }
}
