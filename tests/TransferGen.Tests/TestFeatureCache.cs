using System.Runtime.CompilerServices;
using TransferGen.Scoring;

namespace TransferGen.Tests;

/// <summary>
/// Points the feature cache of every command the tests run (in process, and the child processes that inherit the
/// environment) at a temporary folder, so that no test reads or writes the user's ~/.cache.
/// </summary>
static class TestFeatureCache
{
    /// <summary>The folder, removed when the test run ends.</summary>
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "transfergen-tests-feature-cache-" + Guid.NewGuid().ToString("N"));

    [ModuleInitializer]
    internal static void Isolate()
    {
        Environment.SetEnvironmentVariable(FeatureStore.FolderVariable, Folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        };
    }
}
