import BrainCore
import Testing
@testable import BrainData

/// The chain definition table (产业链定义表): rows of text fields in, a validated chain book out, every problem named by
/// row and column, and the same table written back.
@Suite struct ChainTableTests {
    static let header = "chain_code,chain_name,cluster,link_code,link_name,stage,feeds,products,industries\n"
    static let good = header + """
        EI,电子信息,新一代电子信息,EI-01,电子专用材料,上游,EI-02、EI-03,电子化学品;覆铜板,3985
        EI,电子信息,新一代电子信息,EI-02,电子元件,midstream,EI-03,电容器,3981;3982
        EI,电子信息,,EI-03,整机,下游,,手机;计算机,3922 3911
        HA,智能家电,智能家电,HA-01,家电配件,upstream,HA-02,压缩机,3857:家用电力器具专用配件制造
        HA,智能家电,智能家电,HA-02,空调,downstream,,空调,"3852:家用空气调节器制造"

        """

    func problems(_ text: String) throws -> [ChainTableProblem] {
        do {
            _ = try ChainTable.read(csv: text, origin: "test")
            Issue.record("expected problems")
            return []
        } catch let e as ChainTableError {
            return e.problems
        }
    }

    @Test func aGoodTableReadsIntoChainsAndLinks() throws {
        let (book, rows) = try ChainTable.read(csv: Self.good, origin: "test")
        #expect(rows == 5)
        #expect(book.codes == ["EI", "HA"])
        let ei = try #require(book.chain("EI"))
        #expect(ei.name == "电子信息" && ei.clusters == ["新一代电子信息"])
        #expect(ei.links.map(\.stage) == [.upstream, .midstream, .downstream])
        #expect(ei.link("EI-01")?.feeds == ["EI-02", "EI-03"], "、 separates too")
        #expect(ei.link("EI-02")?.industries == ["3981", "3982"] && ei.link("EI-03")?.industries == ["3922", "3911"])
        #expect(ei.link("EI-01")?.products == ["电子化学品", "覆铜板"])
        #expect(book.industryClasses.first { $0.code == "3985" }?.name == "电子专用材料制造", "a class the standard names keeps that name")
        #expect(book.industryClasses.first { $0.code == "3852" }?.name == "家用空气调节器制造", "a class named in the file takes its name")
        #expect(book.chain(ofLink: "HA-02")?.code == "HA")
    }

    @Test func theExportIsTheSameTableAndReadsBackTheSame() throws {
        let (book, _) = try ChainTable.read(csv: Self.good, origin: "test")
        let text = ChainTable.csv(book)
        #expect(text.hasPrefix(Self.header))
        #expect(text.contains("HA-02,空调,downstream,,空调,3852:家用空气调节器制造"))
        let again = try ChainTable.read(csv: text, origin: "again").book
        #expect(again.chains == book.chains && again.industryClasses == book.industryClasses)
        // The bundled Jiangxi chains go through the table unchanged.
        let jiangxi = try ChainTable.read(csv: ChainTable.csv(.jiangxi), origin: "jx").book
        #expect(jiangxi.chains == ChainBook.jiangxi.chains)
    }

    @Test func anUnknownStageIsNamedByRowAndColumn() throws {
        let found = try problems(Self.header + "EI,电子信息,,EI-01,材料,源头,,,3985\n")
        #expect(found == [ChainTableProblem(row: 2, column: "stage", value: "源头", reason: "unknown stage; use upstream, midstream, downstream or 上游, 中游, 下游")])
        #expect(found[0].description.hasPrefix("row 2, column stage \"源头\""))
    }

    @Test func feedsToAnUnknownLinkAndAnotherChainsLinkAreRefused() throws {
        let found = try problems(Self.header + """
            EI,电子信息,,EI-01,材料,上游,EI-09,,3985
            EI,电子信息,,EI-02,元件,中游,HA-01,,3981
            HA,智能家电,,HA-01,配件,上游,,,3857

            """)
        #expect(found.contains { $0.row == 2 && $0.column == "feeds" && $0.value == "EI-09" && $0.reason == "feeds an unknown link" })
        #expect(found.contains { $0.row == 3 && $0.column == "feeds" && $0.value == "HA-01" && $0.reason == "feeds a link of another chain" })
    }

    @Test func aCycleIsRefusedNamingItsLinks() throws {
        let found = try problems(Self.header + """
            EI,电子信息,,EI-01,材料,上游,EI-02,,3985
            EI,电子信息,,EI-02,元件,中游,EI-03,,3981
            EI,电子信息,,EI-03,整机,下游,EI-01,,3911

            """)
        let cycle = try #require(found.first { $0.reason.contains("cycle") })
        #expect(cycle.column == "feeds" && cycle.value.contains("EI-01 → EI-02 → EI-03 → EI-01") && cycle.row == 2)
        let selfFeed = try problems(Self.header + "EI,电子信息,,EI-01,材料,上游,EI-01,,3985\n")
        #expect(selfFeed.contains { $0.row == 2 && $0.reason == "a link cannot feed itself" })
    }

    @Test func aClassOutsideGBT4754IsRefused() throws {
        let found = try problems(Self.header + "EI,电子信息,,EI-01,材料,上游,,,3985;9999;398;00AB\n")
        #expect(Set(found.map(\.value)) == ["9999", "398", "00AB"])
        #expect(found.allSatisfy { $0.row == 2 && $0.column == "industries" && $0.reason.contains("GB/T 4754-2017") })
    }

    @Test func emptyCellsRepeatedLinksAndBadPrefixesAreNamed() throws {
        let found = try problems(Self.header + """
            EI,电子信息,,EI-01,材料,上游,,,
            EI,电子信息,,EI-01,材料二,上游,,,3985
            EI,电子信息,,HA-05,外来,上游,,,3985
            EI,电子讯息,,EI-06,改名,上游,,,3985

            """)
        #expect(found.contains { $0.row == 2 && $0.column == "industries" && $0.reason == "must not be empty" })
        #expect(found.contains { $0.row == 3 && $0.column == "link_code" && $0.reason == "is already defined in row 2" })
        #expect(found.contains { $0.row == 4 && $0.column == "link_code" && $0.reason.contains("must start with the chain code") })
        #expect(found.contains { $0.row == 5 && $0.column == "chain_name" && $0.reason.contains("is named 电子信息") })
    }

    @Test func aTableWithoutARequiredColumnOrRowsIsRefusedWhole() {
        #expect(throws: ImportFileError.self) { try ChainTable.read(csv: "chain_code,chain_name\nEI,电子信息\n", origin: "t") }
        #expect(throws: ImportFileError.self) { try ChainTable.read(csv: Self.header, origin: "t") }
        #expect(throws: ImportFileError.self) { try ChainTable.read(csv: "", origin: "t") }
    }

    @Test func chineseHeadersAreAccepted() throws {
        let text = "产业链代码,产业链名称,产业集群,环节代码,环节名称,位置,供给环节,产品,行业代码\nEI,电子信息,,EI-01,材料,上游,,,3985\n"
        #expect(try ChainTable.read(csv: text, origin: "t").book.chain("EI")?.links.count == 1)
    }

    @Test func rowsComeThroughTableRowsSoAnyReaderPlugsIn() throws {
        var rows = RecordedRows([TableRow(line: 1, fields: ChainTable.columns.map(\.field)),
                                 TableRow(line: 7, fields: ["EI", "电子信息", "", "EI-01", "材料", "上游", "", "", "3985"]),
                                 TableRow(line: 8, fields: ["EI", "电子信息", "", "EI-02", "元件", "顶层", "", "", "3981"])])
        #expect(throws: ChainTableError.self) { try ChainTable.read(&rows, origin: "xlsx") }
        var again = RecordedRows([TableRow(line: 1, fields: ChainTable.columns.map(\.field)),
                                  TableRow(line: 8, fields: ["EI", "电子信息", "", "EI-02", "元件", "顶层", "", "", "3981"])])
        do { _ = try ChainTable.read(&again, origin: "xlsx") } catch let e as ChainTableError {
            #expect(e.problems.map(\.row) == [8], "the reader's own row numbers are kept (a sheet row)")
        }
    }
}

extension ChainTableTests {
    @Test func atMostSixteenChains() throws {
        var text = Self.header
        for k in 1...17 { text += "C\(k),链\(k),,C\(k)-01,环节,上游,,,3985\n" }
        let found = try problems(text)
        #expect(found.count == 1 && found[0].row == 18 && found[0].column == "chain_code" && found[0].value == "C17" && found[0].reason.contains("at most 16 chains"))
    }
}
