using System.Reflection;
using TransferGen.Generation;
using TransferGen.Models;
using TransferGen.Transfer;

namespace TransferGen.Tests.Architecture;

/// <summary>The library's layers (see <see cref="Layers"/>): no type and no source file may use a higher layer or a sibling.</summary>
public class LayerTests
{
    static readonly Assembly Library = typeof(InputException).Assembly;

    [Fact]
    public void No_library_type_references_a_higher_or_sibling_layer()
    {
        var violations = AssemblyDependencies.Violations(AssemblyDependencies.Edges(Library));
        Assert.True(violations.Count == 0, $"{violations.Count} layer violations in the compiled library:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void No_library_source_file_uses_a_higher_or_sibling_layer()
    {
        var files = SourceDependencies.Read(SourceDependencies.LibraryDir());
        Assert.NotEmpty(files);
        var violations = SourceDependencies.Violations(files);
        Assert.True(violations.Count == 0, $"{violations.Count} layer violations in src/TransferGen:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_namespace_of_the_library_has_a_place_in_the_layer_table()
    {
        var unknown = Library.GetTypes()
            .Select(t => Layers.LayerOf(t.Namespace))
            .OfType<string>()
            .Where(layer => !Layers.IsKnown(layer))
            .Distinct()
            .ToList();
        Assert.True(unknown.Count == 0, $"namespaces missing from Tests/Architecture/Layers.cs: {string.Join(", ", unknown)}");
    }

    [Theory]
    [InlineData("TransferGen.Data.Transforms", "Data")]
    [InlineData("TransferGen.Models.Gan", "Models")]
    [InlineData("TransferGen", "TransferGen")]
    [InlineData("TransferGen.Benchmarks.Transfer", "Benchmarks")]
    [InlineData("TorchSharp", null)]
    [InlineData(null, null)]
    public void A_sub_namespace_belongs_to_its_top_folder(string? ns, string? layer) => Assert.Equal(layer, Layers.LayerOf(ns));

    [Theory]
    [InlineData("Models", "Data", true)]
    [InlineData("Models", "TransferGen", true)]
    [InlineData("Models", "Models", true)]
    [InlineData("Benchmarks", "Generation", true)]
    [InlineData("Models", "Transfer", false)]
    [InlineData("Metrics", "Models", false)]
    [InlineData("Transfer", "Generation", false)]
    [InlineData("Generation", "Transfer", false)]
    [InlineData("TransferGen", "IO", false)]
    [InlineData("Nowhere", "IO", false)]
    public void The_layer_table_allows_only_downward_edges(string from, string to, bool allowed) =>
        Assert.Equal(allowed, Layers.Violation(from, to) is null);

    // The checkers themselves: each must see a violation planted in synthetic input, or the tests above prove nothing.

    [Fact]
    public void The_reflection_checker_reports_a_back_edge_and_a_sibling_edge_by_type_and_namespace()
    {
        var edges = new[]
        {
            new TypeEdge(typeof(BackboneRegistry), typeof(RunBackbone), "body of method Get"),
            new TypeEdge(typeof(FineTuner), typeof(GanTrainer), "local variable of method Run"),
            new TypeEdge(typeof(RunBackbone), typeof(BackboneRegistry), "body of method Load"),   // downward: fine
        };
        var violations = AssemblyDependencies.Violations(edges);
        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.Contains("TransferGen.Models.BackboneRegistry", StringComparison.Ordinal)
                                         && v.Contains("namespace TransferGen.Transfer", StringComparison.Ordinal)
                                         && v.Contains("body of method Get", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("TransferGen.Transfer.FineTuner", StringComparison.Ordinal)
                                         && v.Contains("namespace TransferGen.Generation", StringComparison.Ordinal)
                                         && v.Contains("siblings", StringComparison.Ordinal));
    }

    [Fact]
    public void The_reflection_walker_sees_references_that_only_method_bodies_make()
    {
        // BodyOnly mentions RunBackbone only inside a lambda, and FineTuneOptions only as a generic argument of a local
        // and inside an iterator: none of them is in a signature.
        var types = new[] { typeof(BodyOnly) }.Concat(typeof(BodyOnly).GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public));
        var edges = types.SelectMany(AssemblyDependencies.References).ToList();
        var lambda = Assert.Single(edges, e => e.To == typeof(RunBackbone));
        Assert.NotEqual(typeof(BodyOnly), lambda.From);            // the compiler's closure class ...
        Assert.Equal(typeof(BodyOnly).Namespace, lambda.From.Namespace);   // ... counts in its declarer's namespace
        Assert.Contains(edges, e => e.To == typeof(FineTuneOptions) && e.From == typeof(BodyOnly) && e.Via.StartsWith("local variable", StringComparison.Ordinal));
        Assert.Contains(edges, e => e.To == typeof(FineTuneOptions) && e.From != typeof(BodyOnly) && e.Via.StartsWith("body of", StringComparison.Ordinal));
        Assert.Contains(edges, e => e.To == typeof(BackboneSpec) && e.Via.StartsWith("body of", StringComparison.Ordinal));
    }

    static class BodyOnly
    {
        public static int Run()
        {
            Func<string, bool> isFolder = name => RunBackbone.IsFolderName(name);
            var options = new List<FineTuneOptions>();
            return (isFolder("x") ? 1 : 0) + options.Count + Steps().Count();
        }

        static IEnumerable<int> Steps()
        {
            yield return new FineTuneOptions().Epochs;
            yield return typeof(BackboneSpec).Name.Length;
        }
    }

    [Theory]
    [InlineData("using TransferGen.Transfer;", "using")]
    [InlineData("using static TransferGen.Transfer.RunBackbone;", "using")]
    [InlineData("using Runs = TransferGen.Transfer.RunBackbone;", "using")]
    [InlineData("global using TransferGen.Data;", "global using")]
    [InlineData("public static class X { public static bool F() => global::TransferGen.Transfer.RunBackbone.IsFolderName(\"a\"); }", "fully qualified")]
    [InlineData("public static class X { public static string F(int n) => $\"{TransferGen.Transfer.RunBackbone.FullName(\"a\")} {n}\"; }", "fully qualified")]
    [InlineData("/// <summary>See <see cref=\"Transfer.RunBackbone\"/>.</summary>\npublic static class X { }", "cref")]
    public void The_source_checker_reports_a_models_file_that_uses_transfer(string line, string kind)
    {
        var files = new[]
        {
            new SourceFile("Models/Leaky.cs", $"namespace TransferGen.Models;\n\n{line}\n"),
            new SourceFile("Transfer/RunBackbone.cs", "namespace TransferGen.Transfer;\npublic static class RunBackbone { }\n"),
        };
        var violation = Assert.Single(SourceDependencies.Violations(files));
        Assert.StartsWith("Models/Leaky.cs:3: ", violation, StringComparison.Ordinal);
        Assert.Contains(kind, violation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_source_checker_reports_siblings_misplaced_files_and_unknown_folders()
    {
        var files = new[]
        {
            new SourceFile("Transfer/UsesGan.cs", "using TransferGen.Generation;\nnamespace TransferGen.Transfer;\n"),
            new SourceFile("Models/Elsewhere.cs", "namespace TransferGen.Training;\n"),
            new SourceFile("Plugins/New.cs", "namespace TransferGen.Plugins;\n"),
        };
        var violations = SourceDependencies.Violations(files);
        Assert.Equal(3, violations.Count);
        Assert.Contains(violations, v => v.StartsWith("Transfer/UsesGan.cs:1: using", StringComparison.Ordinal) && v.Contains("siblings", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Models/Elsewhere.cs: declares namespace TransferGen.Training", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Plugins/New.cs:", StringComparison.Ordinal) && v.Contains("not in the layer table", StringComparison.Ordinal));
    }

    [Fact]
    public void The_source_checker_ignores_strings_comments_and_downward_uses()
    {
        const string text = """"
            using TransferGen.Data;
            using TransferGen.Interop.Onnx;
            using static TransferGen.Metrics.Fid;

            namespace TransferGen.Models.Gan;

            // TransferGen.Transfer is mentioned in this comment only.
            public static class Fine
            {
                const string Resource = "TransferGen.Transfer.Embedded.";
                const string Verbatim = @"TransferGen.Generation.""Quoted""";
                const string Raw = """
                    TransferGen.Benchmarks.Nothing
                    """;
                static readonly char Quote = '"';
                static string Hole(int n) => $"{n} TransferGen.Scoring.X {TransferGen.InputException.Equals(null, null)}";
                /// <summary>Uses <see cref="BackboneSpec"/> and <see cref="TransferGen.Data.ImageSplit"/>.</summary>
                static object? Root() => new TransferGen.InputException("x");
            }
            """";
        var files = new[] { new SourceFile("Models/Gan/Fine.cs", text) };
        Assert.Empty(SourceDependencies.Violations(files));
    }
}
