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
}
