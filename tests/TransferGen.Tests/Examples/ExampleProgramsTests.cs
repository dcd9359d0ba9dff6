using System.Diagnostics;
using TransferGen.Tests.Cli;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Examples;

/// <summary>
/// The programs under examples/ build against the library project and run on tiny data, and the README's library
/// snippet is the fine-tune example's code, so it compiles as written.
/// </summary>
[Collection(nameof(TransferGen.Tests.Transfer.SerialTorchTests))]
public class ExampleProgramsTests
{
    static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TransferGen.sln"))) return dir.FullName;
        throw new InvalidOperationException("TransferGen.sln not found above the test assembly");
    }

    /// <summary>Builds examples/NAME (incrementally) and runs it with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    static (int ExitCode, string Output) Run(string name, string workingDirectory, params string[] args)
    {
        var project = Path.Combine(Root, "examples", name, name + ".csproj");
        var build = Start("dotnet", Root, "build", project, "-nologo", "-v", "quiet");
        Assert.True(build.ExitCode == 0, $"building {name} failed:\n{build.Output}");
        var dll = Path.Combine(Root, "examples", name, "bin", "Debug", "net10.0", name + ".dll");
        return Start("dotnet", workingDirectory, [dll, .. args]);
    }

    static (int ExitCode, string Output) Start(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in five minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void The_fine_tune_example_trains_evaluates_predicts_and_saves_a_folder_of_pngs()
    {
        using var temp = new TempFolder();
        var data = TransferCommandTests.StripeFolder(temp, perClass: 10);
        var (code, output) = Run("FineTuneFolder", temp.Path, data, temp["model"]);
        Assert.True(code == 0, output);
        Assert.Contains("test accuracy", output);
        Assert.Equal(3, output.Split('\n').Count(l => l.Contains(".png: ")));
        using var loaded = TransferGen.Transfer.ImageClassifier.Load(temp["model"]);
        Assert.Equal(["horizontal", "vertical"], loaded.Classes);
    }

    [Fact]
    public void The_dcgan_example_writes_a_grid()
    {
        using var temp = new TempFolder();
        var (code, output) = Run("DcganGrid", temp.Path, "fashion-mnist", "1", "128", temp["grid.png"]);
        Assert.True(code == 0, output);
        Assert.True(new FileInfo(temp["grid.png"]).Length > 1000, output);
    }

    [Fact]
    public void The_readme_shows_the_fine_tune_example_as_it_is()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var code = File.ReadAllLines(Path.Combine(Root, "examples", "FineTuneFolder", "Program.cs"))
            .SkipWhile(l => l.StartsWith("//", StringComparison.Ordinal));
        var snippet = string.Join("\n", code).Trim();
        Assert.True(readme.Contains(snippet, StringComparison.Ordinal), "README.md must show examples/FineTuneFolder/Program.cs (after its comment header) verbatim:\n" + snippet);
        Assert.True(snippet.Split('\n').Length <= 15, "the README snippet should stay within about 15 lines");
    }
}
