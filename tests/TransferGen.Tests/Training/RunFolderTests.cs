using TransferGen.IO;
using TransferGen.Tests.Data;
using TransferGen.Training;

namespace TransferGen.Tests.Training;

/// <summary>Where a new run may start, and what an overwrite removes: TransferGen's own files and nothing else.</summary>
public sealed class RunFolderTests
{
    static readonly string[] Theirs =
    [
        "notes.txt", "model.pt.backup", "my-model.pt", "tensorboard/mine.txt", "samples/my-drawing.png", "sub/model.pt",
        "sub/config.json", ".hidden",
    ];

    static readonly string[] Ours =
    [
        "config.json", "metrics.json", "metrics.jsonl", "model.pt", "checkpoint.pt", "checkpoint.json", "curves.png", "lr-find.json",
        "lr-find.png", "confusion-test.png", "tensorboard/events.out.tfevents.1.vm.2.1", "samples/epoch-001.png", "samples/latest.png",
        "report.html", $".model.pt.4242.{Guid.NewGuid():N}.tmp", $"samples/.epoch-002.png.4242.{Guid.NewGuid():N}.tmp",
    ];

    static RunFolder Folder(TempFolder temp, string kind, IEnumerable<string> files)
    {
        var run = new RunFolder(temp.Folder("run"));
        foreach (var file in files)
        {
            var path = Path.Combine(run.Path, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
        File.WriteAllText(run.ConfigPath, $$"""{ "kind": "{{kind}}" }""");
        return run;
    }

    [Fact]
    public void Overwrite_removes_exactly_transfergens_files()
    {
        using var temp = new TempFolder();
        var run = Folder(temp, "finetune", [.. Ours, .. Theirs]);
        using (run.CreateNew("gan", overwrite: true))
        {
            foreach (var file in Ours) Assert.False(File.Exists(Path.Combine(run.Path, file)), file + " was kept");
            foreach (var file in Theirs) Assert.Equal(file, File.ReadAllText(Path.Combine(run.Path, file)));
        }
    }

    [Fact]
    public void Overwrite_removes_the_folders_transfergen_made_once_they_are_empty()
    {
        using var temp = new TempFolder();
        var run = Folder(temp, "gan", Ours);
        using (run.CreateNew("gan", overwrite: true)) { }
        Assert.Equal([FolderLock.FileName], Directory.GetFileSystemEntries(run.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_run_folder_is_refused_without_overwrite_and_the_sentence_names_resume_and_overwrite()
    {
        using var temp = new TempFolder();
        var run = Folder(temp, "finetune", ["model.pt"]);
        var same = Assert.Throws<InvalidOptionException>(() => run.CreateNew("finetune"));
        Assert.Equal($"{run.Path} already holds a 'finetune' run; continue it with --resume {run.Path}, pass --overwrite to replace it " +
                     "(only the files TransferGen wrote are removed), or choose another folder.",
            same.Render(p => "--" + p.ToLowerInvariant()));
        var other = Assert.Throws<InvalidOptionException>(() => run.CreateNew("lr-find"));
        Assert.DoesNotContain("{0}", other.Render(p => "--" + p.ToLowerInvariant()));
        Assert.DoesNotContain("resume", other.Message);
        Assert.Equal("model.pt", File.ReadAllText(run.ModelPath));
    }

    [Fact]
    public void A_folder_of_other_files_is_refused_even_with_overwrite_and_left_alone()
    {
        using var temp = new TempFolder();
        var folder = temp.Folder("mine");
        File.WriteAllText(Path.Combine(folder, "metrics.json"), "my metrics");
        File.WriteAllText(Path.Combine(folder, "model.pt"), "my model");
        foreach (var overwrite in new[] { false, true })
        {
            var error = Assert.Throws<InputException>(() => new RunFolder(folder).CreateNew("finetune", overwrite));
            Assert.StartsWith($"{folder} is not empty and is not a TransferGen run folder", error.Message);
        }
        Assert.Equal(["metrics.json", "model.pt"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
        Assert.Equal("my model", File.ReadAllText(Path.Combine(folder, "model.pt")));
    }

    [Fact]
    public void A_file_is_no_run_folder_and_new_or_empty_folders_are()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["file"], "mine");
        Assert.StartsWith($"{temp["file"]} is a file", Assert.Throws<InputException>(() => new RunFolder(temp["file"]).CreateNew("gan")).Message);
        using (new RunFolder(temp["new/deeper"]).CreateNew("gan")) { }
        using (new RunFolder(temp.Folder("empty")).CreateNew("gan")) { }
        // A folder holding only a lock file (a run killed before it wrote anything) counts as empty.
        using (new RunFolder(temp["empty"]).CreateNew("finetune")) { }
    }

    [Fact]
    public void A_run_in_progress_is_refused_naming_its_process_even_with_overwrite()
    {
        using var temp = new TempFolder();
        var run = Folder(temp, "finetune", ["model.pt"]);
        using var held = run.Lock();
        foreach (var overwrite in new[] { false, true })
            Assert.Contains($"is in use by another TransferGen process (PID {Environment.ProcessId})",
                Assert.Throws<InputException>(() => run.CreateNew("finetune", overwrite)).Message);
        Assert.Equal("model.pt", File.ReadAllText(run.ModelPath));
    }

    [Theory]
    [InlineData("model.pt", true)]
    [InlineData("confusion-val.png", true)]
    [InlineData("tensorboard/events.out.tfevents.639317810035206914.vm.5924.1", true)]
    [InlineData("samples/epoch-012.png", true)]
    [InlineData("report.html", true)]
    [InlineData("sub/report.html", false)]
    [InlineData("model.pt.old", false)]
    [InlineData("samples/model.pt", false)]
    [InlineData("other/events.out.tfevents.1", false)]
    [InlineData(".notes.tmp", false)]
    public void Own_files_are_recognised_by_name_and_place(string relative, bool own) => Assert.Equal(own, RunFolder.IsOwnFile(relative));
}
