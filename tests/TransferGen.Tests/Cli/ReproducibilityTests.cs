using System.Diagnostics;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Cli;

/// <summary>
/// The same seeded fine-tune, run twice in separate processes while other processes keep both cores busy, writes
/// byte-identical metrics.json and model.pt: results do not depend on thread timing or load.
/// </summary>
public sealed class ReproducibilityTests
{
    [Fact]
    public void A_seeded_finetune_gives_byte_identical_files_in_separate_processes_under_load()
    {
        using var temp = new TempFolder();
        string[] options = ["finetune", "--data", "fashion-mnist", "--backbone", "resnet18-imagenet", "--labels-per-class", "6", "--image-size", "32",
            "--epochs", "2", "--probe-epochs", "2", "--min-steps", "0", "--batch-size", "16", "--seed", "4"];
        var environment = new Dictionary<string, string> { ["TRANSFERGEN_FASHION_MNIST_DIR"] = temp["no-full-dataset"] };   // the embedded sample

        // Busy loops on every core, so the runs' intra-op threads are preempted at arbitrary points.
        var load = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!)
            .ToList();
        try
        {
            foreach (var run in new[] { "a", "b" })
            {
                var result = CliRunner.Run(environment, [.. options, "--out", temp[run]]);
                Assert.True(result.ExitCode == 0, result.StdErr);
            }
        }
        finally
        {
            foreach (var p in load)
            {
                p.Kill();
                p.Dispose();
            }
        }
        foreach (var file in new[] { "metrics.json", "model.pt" })
            Assert.True(File.ReadAllBytes(Path.Combine(temp["a"], file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(temp["b"], file))),
                $"{file} differs between two runs of the same seed");
    }
}
