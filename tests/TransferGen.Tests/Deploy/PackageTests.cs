using System.Diagnostics;
using TransferGen.Build;
using TransferGen.Imaging;
using TransferGen.Tests.Transfer;
using Xunit.Abstractions;

namespace TransferGen.Tests.Deploy;

/// <summary>
/// TransferGen as a .NET developer installs it: `dotnet pack` of the library and the tool into a local feed, then a new
/// console project outside this repository that references the package builds and fine-tunes resnet18-imagenet, and
/// `dotnet tool install` puts a `transfergen` command that runs. Nothing in the repository's build helps them: what
/// they need (the backbone's files, the libLibTorchSharp.so patch) must come from the packages.
/// </summary>
[Collection(nameof(SerialTorchTests))]   // packs the projects other tests build: one at a time
public sealed class PackageTests(ITestOutputHelper output) : IDisposable
{
    static readonly string Root = RepositoryRoot.Path;

    readonly string _dir = Directory.CreateTempSubdirectory("tg-package-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);


    /// <summary>Packs <paramref name="project"/> from the Debug build the test run already made (no second build).</summary>
    string Pack(string project)
    {
        var feed = Path.Combine(_dir, "feed");
        Run("dotnet", Root, null, "pack", Path.Combine(Root, "src", project), "-c", "Debug", "--no-build", "-o", feed, "-nologo", "-v", "quiet");
        return feed;
    }

    /// <summary>Two classes of 32-px stripes as PNG files, one folder per class.</summary>
    string StripeFolder()
    {
        var folder = Path.Combine(_dir, "images");
        var split = StripeData.Split("train", 8, seed: 1, size: 32);
        for (int i = 0; i < split.Count; i++)
        {
            var label = split.Labels[i] == 0 ? "horizontal" : "vertical";
            Directory.CreateDirectory(Path.Combine(folder, label));
            using var image = split.Images[i];
            ImageCodec.SavePng(image, Path.Combine(folder, label, $"{i:D2}.png"));
        }
        return folder;
    }

    [Fact]
    public void A_new_console_project_that_references_the_package_builds_and_fine_tunes()
    {
        var feed = Pack("TransferGen");
        var images = StripeFolder();
        var app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(app);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // The package extracts into a folder of its own (a stale 0.1.0 in the user's cache must not stand in for it);
        // TorchSharp and the rest come from the user's cache as a fallback, so nothing is downloaded again.
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{Path.Combine(_dir, "packages")}</RestorePackagesPath>
                <RestoreAdditionalProjectFallbackFolders>{cache}</RestoreAdditionalProjectFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TransferGen" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="transfergen-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using TransferGen.Data;
            using TransferGen.Transfer;

            var data = DatasetResolver.Load(args[0]);
            var options = new FineTuneOptions { Backbone = "resnet18-imagenet", Epochs = 1, ImageSize = 32, BatchSize = 8, Augment = false, Workers = 1 };
            using var model = ImageClassifier.FineTune(data, options, args[1]);
            Console.WriteLine($"classes {string.Join(",", model.Classes)}");
            Console.WriteLine($"predicted {model.Predict([args[2]])[0].Class}");
            """);
        Run("dotnet", app, null, "build", "-nologo", "-v", "quiet");

        var bin = Path.Combine(app, "bin", "Debug", "net10.0");
        Assert.True(File.Exists(Path.Combine(bin, "models", "resnet18-imagenet", "ResNet18.onnx")), "the package did not put the backbone beside the program");
        var lib = Path.Combine(bin, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (LibTorchSharpPatcher.FindSystemLibStdCxx() is { } libstdcxx && !LibTorchSharpPatcher.LibStdCxxHasVersion(File.ReadAllBytes(libstdcxx)))
            Assert.True(LibTorchSharpPatcher.IsPatched(File.ReadAllBytes(lib)), "the package's build target did not patch libLibTorchSharp.so");

        var image = Directory.GetFiles(Path.Combine(images, "vertical"))[0];
        // Load-time patching is switched off: the build alone must have made TorchSharp loadable.
        var result = Run("dotnet", app, new() { [LibTorchCompat.DisableVariable] = "1" },
            Path.Combine(bin, "app.dll"), images, Path.Combine(_dir, "run"), image);
        Assert.Contains("classes horizontal,vertical", result);
        Assert.Matches("predicted (horizontal|vertical)", result);
        Assert.True(File.Exists(Path.Combine(_dir, "run", "model.pt")));
    }

    [Fact]
    public void The_tool_installs_from_the_package_and_runs()
    {
        var feed = Pack("TransferGen.Cli");
        var tools = Path.Combine(_dir, "tools");
        // A cache of its own, so that no earlier 0.1.0 in the user's cache is installed instead.
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_dir, "tool-cache") };
        Run("dotnet", _dir, env, "tool", "install", "TransferGen.Cli", "--tool-path", tools, "--add-source", feed, "--version", "0.1.0");
        var transfergen = Path.Combine(tools, "transfergen");

        Assert.Equal("0.1.0", Run(transfergen, _dir, null, "--version").Trim());
        Assert.Contains("\"resnet18-imagenet\"", Run(transfergen, _dir, null, "backbones", "--json"));
        var run = Path.Combine(_dir, "run");
        var noLoadTimePatch = new Dictionary<string, string> { [LibTorchCompat.DisableVariable] = "1" };
        var log = Run(transfergen, _dir, noLoadTimePatch, "finetune", "--data", StripeFolder(), "--backbone", "resnet18-imagenet",
            "--epochs", "1", "--min-steps", "0", "--image-size", "32", "--batch-size", "8", "--out", run);
        output.WriteLine(log);
        Assert.True(File.Exists(Path.Combine(run, "model.pt")));
    }

    string Run(string file, string workingDirectory, Dictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in eight minutes");
        }
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
