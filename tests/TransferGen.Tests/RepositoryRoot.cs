namespace TransferGen.Tests;

/// <summary>The checkout the tests run from: the folder holding TransferGen.sln, found above the test assembly.</summary>
internal static class RepositoryRoot
{
    /// <summary>Its absolute path.</summary>
    public static string Path { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TransferGen.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no TransferGen.sln above {AppContext.BaseDirectory}");
    }
}
