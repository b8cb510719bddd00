fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = std::fs::read_to_string(path).unwrap();
    let file = referflow_syntax::parse(&src);
    println!("{:#?}", file.errors);
    println!("{} statements", file.statements.len());
    if std::env::args().nth(2).is_some() {
        println!("{:#?}", file.statements);
    }
}
