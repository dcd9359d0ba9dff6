using System.Text.Json;
using TransferGen.Data;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Tests.Transfer;

public class RunConfigClassesTests
{
    [Fact]
    public void A_run_reloads_its_dataset_with_the_classes_it_recorded_and_older_runs_with_all()
    {
        var old = JsonSerializer.Deserialize<RunConfig>("""{ "kind": "finetune", "dataset": "fashion-mnist", "classes": ["a", "b"] }""", RunFolder.Json)!;
        Assert.Null(old.DatasetClasses);
        Assert.Null(old.ToDatasetOptions().Classes);

        var recorded = JsonSerializer.Deserialize<RunConfig>(
            """{ "kind": "finetune", "dataset": "fashion-mnist", "dataset_classes": ["Bag", "Trouser"] }""", RunFolder.Json)!;
        var options = recorded.ToDatasetOptions() with { FashionMnistDirectory = "/nonexistent-transfergen-test" };
        var dataset = DatasetResolver.Load("fashion-mnist", options);
        Assert.Equal(["Bag", "Trouser"], dataset.Classes);
        Assert.Equal([8, 1], dataset.SelectedClasses);
        Assert.Equal(["Bag", "Trouser"], ClassSelection.Recorded(dataset));
        Assert.Null(ClassSelection.Recorded(DatasetResolver.Load("fashion-mnist", options with { Classes = null })));
    }
}
