using TransferGen.Reports;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Reports;

/// <summary>A report as a browser shows it: headless Chromium, with the network unreachable.</summary>
public class ReportInBrowserTests
{
    [ChromiumFact]
    public void A_report_loads_offline_with_every_image_decoded_its_tables_present_and_nothing_fetched()
    {
        using var temp = new TempFolder();
        var path = temp["report.html"];
        HtmlReportTests.Sample().Add(new TableSection(["metric", "value"], [["accuracy", "0.9"]])).Write(path);

        var page = HeadlessChromium.Load(path);

        Assert.Equal(2, page.Images);
        Assert.Equal(2, page.DecodedImages);
        Assert.Equal(2, page.Tables);
        Assert.Empty(page.Resources);
    }

    [ChromiumFact]
    public void The_probe_sees_an_image_that_would_be_fetched_and_does_not_decode()
    {
        // The control: the same page with one remote image must show up as fetched and undecoded, so the
        // assertions above can fail.
        using var temp = new TempFolder();
        var path = temp["remote.html"];
        File.WriteAllText(path, HtmlReportTests.Sample().ToHtml().Replace("</main>", "<img src=\"http://example.com/remote.png\" alt=\"remote\"></main>"));

        var page = HeadlessChromium.Load(path);

        Assert.Equal(3, page.Images);
        Assert.Equal(2, page.DecodedImages);
        Assert.Equal(["http://example.com/remote.png"], page.Resources);
    }
}
