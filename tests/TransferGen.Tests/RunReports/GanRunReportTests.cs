using TransferGen.RunReports;

namespace TransferGen.Tests.RunReports;

public class GanRunReportTests
{
    [Fact]
    public void PickEpochs_shows_every_grid_up_to_the_limit_then_the_first_the_last_and_evenly_spaced_ones()
    {
        Assert.Equal([1, 2, 3], GanRunReport.PickEpochs([1, 2, 3]));
        Assert.Equal([1, 4, 7, 10], GanRunReport.PickEpochs(Enumerable.Range(1, 10).ToList()));
        Assert.Equal([1, 2, 4, 5], GanRunReport.PickEpochs([1, 2, 3, 4, 5]));
        Assert.Empty(GanRunReport.PickEpochs([]));
    }
}
